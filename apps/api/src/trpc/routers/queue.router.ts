import { z } from 'zod';
import { protectedProcedure, router, unwrapOrThrow } from '../trpc';

/** `{}` or no input at all (API.md); anything else is INVALID_INPUT. */
const noInput = z.object({}).strict().optional();

/** Inputs shared with the lean route of queue.enter (apps/api/src/queue/queue-fast-path.route.ts). */
export const queueInputs = {
  enter: z.object({ concertId: z.number().int().positive() }),
};

export const queueRouter = router({
  /** S: join the waiting room of a concert; again returns the same pass and place. */
  enter: protectedProcedure
    .input(queueInputs.enter)
    .mutation(async ({ ctx, input }) =>
      unwrapOrThrow(await ctx.container.queue.enter({ userId: ctx.session.userId, concertId: input.concertId })),
    ),

  /** S + x-queue-token: the hot poll. Token check in memory, one Redis round trip, no MySQL. */
  status: protectedProcedure
    .input(noInput)
    .query(async ({ ctx }) =>
      unwrapOrThrow(await ctx.container.queue.status({ userId: ctx.session.userId, queueToken: ctx.queueToken })),
    ),

  /** S + x-queue-token: give up the place (or the ACTIVE slot). */
  leave: protectedProcedure
    .input(noInput)
    .mutation(async ({ ctx }) =>
      unwrapOrThrow(await ctx.container.queue.leave({ userId: ctx.session.userId, queueToken: ctx.queueToken })),
    ),
});
