import type { AdmissionTickReport } from '@concert/domain';
import type { AppInngest } from '../inngest/client';

/** Inngest caps a run at 1,000 steps; each iteration is two (tick + sleep). */
const MAX_ITERATIONS = 450;

/**
 * The admission loop: a cron starts one run a minute (singleton, so a run still going means the new one is
 * skipped), and the run ticks every `tickMs` until just before the next minute, giving a sub-minute period.
 * A thin driver: the work is the `tick` use case, which is atomic per concert and safe to run concurrently, so
 * a duplicate run (local mode without singleton enforcement, two processes) can never over-admit.
 */
export function createAdmissionTickFunction(
  inngest: AppInngest,
  deps: { tick: () => Promise<AdmissionTickReport>; tickMs: number; cron?: string },
) {
  // Stop early enough that the next cron run is not skipped by the singleton guard.
  const windowMs = Math.max(deps.tickMs, 60_000 - 2 * deps.tickMs - 1_000);
  return inngest.createFunction(
    {
      id: 'queue-admission-tick',
      retries: 0,
      singleton: { mode: 'skip' },
      triggers: [{ cron: deps.cron ?? '* * * * *' }],
    },
    async ({ step }) => {
      let admitted = 0;
      let firstAt: number | null = null;
      for (let i = 0; i < MAX_ITERATIONS; i++) {
        // The time comes back from the memoized step, so every replay of this body takes the same path.
        const report = await step.run(`tick-${i}`, async () => ({ ...(await deps.tick()), at: Date.now() }));
        admitted += report.admitted;
        firstAt ??= report.at;
        if (report.at + deps.tickMs - firstAt >= windowMs) return { ticks: i + 1, admitted };
        await step.sleep(`wait-${i}`, deps.tickMs);
      }
      return { ticks: MAX_ITERATIONS, admitted };
    },
  );
}
