import type { FastifyInstance } from 'fastify';
import type { Container } from '../container';
import { queueInputs } from '../trpc/routers/queue.router';
import { registerLeanMutation, requestContext, sendTrpcData, sendTrpcError, viaTrpc } from '../trpc/trpc-fallback';

/**
 * Lean routes for the waiting room's two hot calls (PERFORMANCE.md): `GET /trpc/queue.status`, polled by every
 * waiter, and `POST /trpc/queue.enter`, what a crowd does in the first minute of an on-sale. Same wire format as
 * the tRPC procedures, byte for byte (success `{"result":{"data":...}}`, errors shaped by the router's own
 * errorFormatter, same HTTP status), without tRPC's Fetch-API machinery, which measured several times the cost of
 * the work itself (docs/queue.md). Only the plain form is served here (status: no input or `{}`; enter: a valid
 * JSON body; no batching); anything else, and any unexpected failure, is handed to the real tRPC handler, so
 * behaviour never diverges. Register on the same Fastify instance as the tRPC plugin: static paths win over
 * `/trpc/:path`.
 */
export function registerQueueFastPaths(app: FastifyInstance, container: Container): void {
  app.get('/trpc/queue.status', async (req, reply) => {
    const ctx = requestContext(container, req.headers);
    const query = req.query as Record<string, unknown>;
    const plain = query.batch === undefined && (query.input === undefined || query.input === '{}');
    if (!plain) return viaTrpc(req, reply, ctx);
    const call = { ctx, path: 'queue.status', type: 'query', input: undefined } as const;
    try {
      const auth = container.sessions.authenticate(ctx.authorization);
      if ('error' in auth) return sendTrpcError(reply, call, 'SESSION_INVALID', auth.error);
      const result = await container.queue.status({ userId: auth.session.userId, queueToken: ctx.queueToken });
      if (!result.ok) return sendTrpcError(reply, call, result.error.code, result.error.message, result.error.details);
      return sendTrpcData(reply, result.value);
    } catch {
      // Redis down or anything unexpected: the tRPC path maps it (503 DEPENDENCY_UNAVAILABLE, logged 500s).
      return viaTrpc(req, reply, ctx);
    }
  });

  registerLeanMutation(app, container, 'queue.enter', async (json, ctx, reply, delegate) => {
    const parsed = queueInputs.enter.safeParse(json);
    if (!parsed.success) return delegate();
    const input = parsed.data;
    const call = { ctx, path: 'queue.enter', type: 'mutation', input } as const;
    try {
      const auth = container.sessions.authenticate(ctx.authorization);
      if ('error' in auth) return sendTrpcError(reply, call, 'SESSION_INVALID', auth.error);
      const result = await container.queue.enter({ userId: auth.session.userId, concertId: input.concertId });
      if (!result.ok) return sendTrpcError(reply, call, result.error.code, result.error.message);
      return sendTrpcData(reply, result.value);
    } catch {
      // Entering is idempotent (same pass, same place), so tRPC may safely run it again to map the failure.
      return delegate();
    }
  });
}
