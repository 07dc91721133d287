import { z } from 'zod';
import { adminProcedure, router } from '../trpc';

export const adminRouter = router({
  /**
   * Dashboard figures per concert. `queue`: waiting, active, admitted per second (moving average), totals
   * (admitted, abandoned, expired, spent), ETA of the last in line, sold-out flag. Other contexts add their
   * own keys (sales, payments) beside it.
   */
  overview: adminProcedure.input(z.object({}).optional()).query(async ({ ctx }) => ({
    generatedAt: new Date().toISOString(),
    queue: await ctx.container.queue.overview(),
  })),

  /**
   * Recent workflow runs, newest first, with status (queued, running, sleeping, waiting, retrying, completed,
   * failed, cancelled, skipped). Local mode keeps the last 1,000 runs (finished ones for 24 h); in server mode
   * the Inngest server's UI has them and this list is empty (`mode` says which).
   */
  runs: adminProcedure
    .input(
      z
        .object({
          limit: z.number().int().min(1).max(500).default(50),
          status: z.string().optional(),
          functionId: z.string().optional(),
        })
        .default({ limit: 50 }),
    )
    .query(async ({ ctx, input }) => {
      const wanted = input.status || input.functionId ? 1_000 : input.limit;
      const runs = (await ctx.container.workflows.listRuns(wanted))
        .filter((r) => !input.status || r.status === input.status)
        .filter((r) => !input.functionId || r.functionId.includes(input.functionId))
        .slice(0, input.limit);
      return { mode: ctx.container.workflows.mode, runs };
    }),
});
