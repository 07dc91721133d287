import { CHARGE_MAX, CHARGE_MIN, IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_MIN } from '@concert/domain';
import { z } from 'zod';
import { protectedProcedure, router, unwrapOrThrow } from '../trpc';

export const walletRouter = router({
  balance: protectedProcedure
    .input(z.object({}).optional())
    .query(async ({ ctx }) => unwrapOrThrow(await ctx.container.wallet.getBalance(ctx.session.userId))),

  /** Idempotent on (user, idempotencyKey): a repeat returns the first {balance, transactionId}. */
  charge: protectedProcedure
    .input(
      z.object({
        amount: z.number().int().min(CHARGE_MIN).max(CHARGE_MAX),
        idempotencyKey: z.string().min(IDEMPOTENCY_KEY_MIN).max(IDEMPOTENCY_KEY_MAX),
      }),
    )
    .mutation(async ({ ctx, input }) =>
      unwrapOrThrow(await ctx.container.wallet.charge({ userId: ctx.session.userId, ...input })),
    ),
});
