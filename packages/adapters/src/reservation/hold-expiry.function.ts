import type { ExpireHold, FindDueHolds } from '@concert/domain';
import type { AppInngest } from '../inngest/client';
import { parseEventData } from '../inngest/events';
import { createReconciler } from '../inngest/reconciler';

/** Wake a little after the deadline, so a runner clock a few ms early never finds the hold "not due yet". */
const DEADLINE_SLACK_MS = 250;

/**
 * One run per hold: sleep until its deadline, then expire it if it is still HELD. The expiry itself is a
 * conditional write, so a hold that was paid, released or already swept in the meantime is left alone.
 */
export function createHoldExpiryFunction(inngest: AppInngest, deps: { expireHold: ExpireHold }) {
  return inngest.createFunction(
    { id: 'reservation-hold-expiry', retries: 5, triggers: [{ event: 'reservation/seat.held' }] },
    async ({ event, step }) => {
      const held = parseEventData('reservation/seat.held', event.data);
      await step.sleepUntil('until-deadline', new Date(Date.parse(held.expiresAt) + DEADLINE_SLACK_MS));
      const outcome = await step.run('expire-hold', () => deps.expireHold({ reservationId: held.reservationId }));
      return { reservationId: held.reservationId, outcome };
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
