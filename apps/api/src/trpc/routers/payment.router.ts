import { IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_MIN } from '@concert/domain';
import { z } from 'zod';
import { activePassCheck, protectedProcedure, router, unwrapOrThrow } from '../trpc';

const id = z.number().int().positive();

export const paymentRouter = router({
  /**
   * S+Q. Answers at once with a PENDING payment; the saga runs as a workflow (poll `payment.status`). The pass
   * is checked against the reservation's concert inside the use case, after the idempotent-repeat lookup, so a
   * repeat is answered even once the pass was spent by the completed payment.
   */
  pay: protectedProcedure
    .input(
      z.object({ reservationId: id, idempotencyKey: z.string().min(IDEMPOTENCY_KEY_MIN).max(IDEMPOTENCY_KEY_MAX) }),
    )
    .mutation(async ({ ctx, input }) => {
      const { paymentId, status } = unwrapOrThrow(
        await ctx.container.payment.requestPayment({
          userId: ctx.session.userId,
          reservationId: input.reservationId,
          idempotencyKey: input.idempotencyKey,
          verifyPass: activePassCheck(ctx),
        }),
      );
      return { paymentId, status };
    }),

  status: protectedProcedure
    .input(z.object({ paymentId: id }))
    .query(async ({ ctx, input }) =>
      unwrapOrThrow(await ctx.container.payment.getStatus({ userId: ctx.session.userId, paymentId: input.paymentId })),
    ),
});
