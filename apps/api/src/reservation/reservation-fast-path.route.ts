import type { FastifyInstance } from 'fastify';
import type { Container } from '../container';
import { appRouter } from '../trpc/app.router';
import { createCallerFactory } from '../trpc/trpc';
import { answerDirectly, leanContext, viaTrpc } from '../trpc/trpc-fallback';

const createCaller = createCallerFactory(appRouter);

/**
 * `POST /trpc/reservation.hold` without tRPC's Fetch adapter (Request, body stream, AbortSignal, Response), which
 * measured ~0.45 ms of the ~2.3 ms of API CPU a hold costs before its workflows (docs/reservations.md). Unlike
 * the queue's lean routes it does not re-implement the procedure: it calls the very procedure through tRPC's
 * server-side caller (session, queue pass, input schema, handler) and writes tRPC's wire format. A hold runs at
 * most once, so only what never reaches the procedure (a batch, a body that is not JSON) goes to the tRPC handler.
 */
export function registerReservationFastPaths(app: FastifyInstance, container: Container): void {
  // Its own scope: the body stays a raw string, so a malformed one reaches tRPC unchanged (its PARSE_ERROR).
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post('/trpc/reservation.hold', async (req, reply) => {
      const ctx = leanContext(container, req.headers);
      const body = typeof req.body === 'string' ? req.body : '';
      if ((req.query as Record<string, unknown>).batch !== undefined) return viaTrpc(req, reply, ctx, body);
      let input: unknown;
      try {
        input = JSON.parse(body);
      } catch {
        return viaTrpc(req, reply, ctx, body);
      }
      const call = { ctx, path: 'reservation.hold', type: 'mutation', input } as const;
      return answerDirectly(reply, call, () =>
        createCaller(ctx).reservation.hold(
          input as Parameters<ReturnType<typeof createCaller>['reservation']['hold']>[0],
        ),
      );
    });
  });
}
