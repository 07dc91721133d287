import { ok, type Reservation } from '@concert/domain';
import { z } from 'zod';
import {
  activePassCheck,
  protectedProcedure,
  type QueueCtx,
  queueActiveProcedure,
  router,
  unwrapOrThrow,
} from '../trpc';

const id = z.number().int().positive();

/** The wire shape of a reservation (API.md): dates as ISO strings, money in won. */
const toWire = (r: Reservation) => ({
  reservationId: r.reservationId,
  seatId: r.seatId,
  scheduleId: r.scheduleId,
  concertId: r.concertId,
  amount: r.amount,
  status: r.status,
  expiresAt: r.expiresAt.toISOString(),
});

export const reservationInputs = {
  hold: z.object({ seatId: id }),
};

/**
 * reservation.hold once the session and the pass's owner are known: the procedure below and its lean route
 * (apps/api/src/reservation) both answer with this, so they cannot drift. The pass must then be ACTIVE for the
 * seat's concert, which the use case checks once the seat is known and before anything is written.
 */
export async function holdSeatFor(ctx: QueueCtx, seatId: number) {
  const passCheck = activePassCheck(ctx);
  const result = await ctx.container.reservation.holdSeat({
    userId: ctx.session.userId,
    seatId,
    checkAccess: (seat) => passCheck(seat.concertId),
  });
  return result.ok ? ok({ ...toWire(result.value), status: 'HELD' as const }) : result;
}

export const reservationRouter = router({
  /**
   * S+Q: the pass must be genuine and the caller's (middleware, in memory), then ACTIVE for the seat's concert,
   * checked by the use case once the seat is known and before anything is written.
   */
  hold: queueActiveProcedure
    .input(reservationInputs.hold)
    .mutation(async ({ ctx, input }) => unwrapOrThrow(await holdSeatFor(ctx, input.seatId))),

  release: protectedProcedure
    .input(z.object({ reservationId: id }))
    .mutation(async ({ ctx, input }) =>
      unwrapOrThrow(
        await ctx.container.reservation.releaseHold({ userId: ctx.session.userId, reservationId: input.reservationId }),
      ),
    ),

  mine: protectedProcedure.input(z.object({}).optional()).query(async ({ ctx }) => {
    const items = unwrapOrThrow(await ctx.container.reservation.listMine({ userId: ctx.session.userId }));
    return { items: items.map(toWire) };
  }),
});
