import type { Reservation } from '@concert/domain';
import { z } from 'zod';
import { activePassCheck, protectedProcedure, queueActiveProcedure, router, unwrapOrThrow } from '../trpc';

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

export const reservationRouter = router({
  /**
   * S+Q: the pass must be genuine and the caller's (middleware, in memory), then ACTIVE for the seat's concert,
   * checked by the use case once the seat is known and before anything is written.
   */
  hold: queueActiveProcedure.input(z.object({ seatId: id })).mutation(async ({ ctx, input }) => {
    const passCheck = activePassCheck(ctx);
    const reservation = unwrapOrThrow(
      await ctx.container.reservation.holdSeat({
        userId: ctx.session.userId,
        seatId: input.seatId,
        checkAccess: (seat) => passCheck(seat.concertId),
      }),
    );
    return { ...toWire(reservation), status: 'HELD' as const };
  }),

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
