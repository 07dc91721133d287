import type { ExpireHold, ExpireOutcome, FindDueHolds } from '@concert/domain';
import { heldReservations, mapWithLimit } from '../inngest/batch';
import type { AppInngest } from '../inngest/client';
import { createReconciler } from '../inngest/reconciler';

/** Wake a little after the deadline, so a runner clock a few ms early never finds the hold "not due yet". */
const DEADLINE_SLACK_MS = 250;
/** Holds whose deadlines lie within this span of each other share one sleep (a batch gathers for at most 1 s). */
const WAKE_GROUP_MS = 1_000;
/** Expiries in flight at once within a step: a batch of 100 takes a few round trips, not 100 in a row. */
const EXPIRE_PARALLEL = 10;

/**
 * Every hold starts this function (`reservation/seat.held`): it sleeps until the hold's deadline, then expires
 * the hold if it is still HELD. The expiry itself is a conditional write, so a hold that was paid, released or
 * already swept in the meantime is left alone.
 *
 * Batched (`batchEvents`, up to 100 holds or 1 s): holds that arrive together also lapse together (same TTL), so
 * a burst of 500 holds a second becomes ~5 sleeping runs a second instead of 500. Each group of deadlines within
 * 1 s of each other is one sleep (until the group's last deadline) and one step, so a hold lapses at most ~1.25 s
 * after its deadline; `mine` already reports it EXPIRED at the deadline, and a new hold may take over a lapsed
 * seat before then. The reconciler remains the net for anything this misses.
 */
export function createHoldExpiryFunction(inngest: AppInngest, deps: { expireHold: ExpireHold }) {
  return inngest.createFunction(
    {
      id: 'reservation-hold-expiry',
      retries: 5,
      batchEvents: { maxSize: 100, timeout: '1s' },
      triggers: [{ event: 'reservation/seat.held' }],
    },
    async ({ events, step }) => {
      // Deadlines in order, cut into groups spanning at most WAKE_GROUP_MS from their first deadline.
      const groups: Array<{ ids: number[]; first: number; last: number }> = [];
      const holds = [...heldReservations(events)]
        .map(([id, held]) => ({ id, deadline: Date.parse(held.expiresAt) }))
        .sort((a, b) => a.deadline - b.deadline);
      for (const { id, deadline } of holds) {
        const group = groups.at(-1);
        if (group && deadline - group.first <= WAKE_GROUP_MS) {
          group.ids.push(id);
          group.last = deadline;
        } else {
          groups.push({ ids: [id], first: deadline, last: deadline });
        }
      }
      const outcomes: Partial<Record<ExpireOutcome, number>> = {};
      for (const [n, { ids, last }] of groups.entries()) {
        await step.sleepUntil(`until-deadline-${n}`, new Date(last + DEADLINE_SLACK_MS));
        // The step memoizes counts per outcome (the shape runs already asleep have stored), not the outcomes.
        const counted = await step.run(`expire-holds-${n}`, async () => {
          const expired = await mapWithLimit(ids, EXPIRE_PARALLEL, (reservationId) =>
            deps.expireHold({ reservationId }),
          );
          return countBy(expired);
        });
        for (const [outcome, k] of Object.entries(counted) as Array<[ExpireOutcome, number]>) {
          outcomes[outcome] = (outcomes[outcome] ?? 0) + k;
        }
      }
      return { holds: holds.length, outcomes };
    },
  );
}

/** Holds expired per reconciler step: big enough to drain a backlog fast, small enough to retry cheaply. */
const SWEEP_CHUNK = 50;

/**
 * The safety net (the shared reconciler pattern: once-a-minute singleton cron): expires every hold past its
 * deadline whatever happened to its own run (process crash, local runner restarted, event lost), up to 1,000
 * per pass in memoized chunks. Racing the per-hold runs is harmless: every expiry is a conditional write.
 */
export function createHoldReconcilerFunction(
  inngest: AppInngest,
  deps: { findDueHolds: FindDueHolds; expireHold: ExpireHold; cron?: string },
) {
  return createReconciler(inngest, {
    id: 'reservation-hold-reconciler',
    ...(deps.cron ? { cron: deps.cron } : {}),
    find: async () => {
      const ids = await deps.findDueHolds({ limit: 1_000 });
      const chunks: number[][] = [];
      for (let i = 0; i < ids.length; i += SWEEP_CHUNK) chunks.push(ids.slice(i, i + SWEEP_CHUNK));
      return chunks;
    },
    key: (chunk) => `${chunk[0]}-${chunk.length}`,
    fix: async (chunk) => {
      let expired = 0;
      for (const reservationId of chunk) if ((await deps.expireHold({ reservationId })) === 'expired') expired++;
      return { expired };
    },
  });
}

function countBy<K extends string>(keys: readonly K[]): Partial<Record<K, number>> {
  const counts: Partial<Record<K, number>> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}
