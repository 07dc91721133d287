import type { AdmissionTickReport } from '@concert/domain';
import type { AppInngest } from '../inngest/client';
import { createTicker } from '../inngest/reconciler';

/**
 * The admission loop: a sub-minute ticker (a once-a-minute singleton cron whose body ticks every `tickMs`, see
 * createTicker). A thin driver: the work is the `tick` use case, atomic per concert in Lua and safe to run
 * concurrently, so a duplicate run (two processes, a late replay) can never over-admit.
 */
export function createAdmissionTickFunction(
  inngest: AppInngest,
  deps: { tick: () => Promise<AdmissionTickReport>; tickMs: number },
) {
  return createTicker(inngest, {
    id: 'queue-admission-tick',
    everyMs: deps.tickMs,
    retries: 0,
    tick: (step, i) => step.run(`tick-${i}`, () => deps.tick()),
  });
}
