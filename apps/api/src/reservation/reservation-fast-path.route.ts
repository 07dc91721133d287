import { passOf } from '@concert/domain';
import type { FastifyInstance } from 'fastify';
import type { Container } from '../container';
import { holdSeatFor, reservationInputs } from '../trpc/routers/reservation.router';
import { QUEUE_PASS_INVALID, unwrapOrThrow } from '../trpc/trpc';
import { answerDirectly, registerLeanMutation, sendTrpcError } from '../trpc/trpc-fallback';

/**
 * `POST /trpc/reservation.hold` without tRPC: its Fetch adapter (Request, body stream, AbortSignal, Response) cost
 * 0.3 ms of API CPU per hold, and its middleware chain (a context object spread per middleware) ~5 % more
 * (docs/reservations.md). The same checks as the procedure, in its order (session, then the pass's owner), then
 * the very function the procedure calls (`holdSeatFor`), answered in tRPC's wire format. A hold runs at most
 * once, so only what never reaches the hold (a batch, a body that is not JSON, an invalid input) goes to the
 * tRPC handler, which answers it exactly as it defines; a failure of the hold itself is answered here.
 */
export function registerReservationFastPaths(app: FastifyInstance, container: Container): void {
  registerLeanMutation(app, container, 'reservation.hold', async (json, ctx, reply, delegate) => {
    const parsed = reservationInputs.hold.safeParse(json);
    if (!parsed.success) return delegate();
    const call = { ctx, path: 'reservation.hold', type: 'mutation', input: parsed.data } as const;
    const auth = container.sessions.authenticate(ctx.authorization);
    if ('error' in auth) return sendTrpcError(reply, call, 'SESSION_INVALID', auth.error);
    const { session } = auth;
    if (!passOf(container.queue.tokens, ctx.queueToken, session.userId)) {
      return sendTrpcError(reply, call, 'QUEUE_TOKEN_INVALID', QUEUE_PASS_INVALID);
    }
    return answerDirectly(reply, call, async () =>
      unwrapOrThrow(await holdSeatFor({ ...ctx, session }, parsed.data.seatId)),
    );
  });
}
