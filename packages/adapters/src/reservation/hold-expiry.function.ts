import type { ExpireDueHolds, ExpireHold } from '@concert/domain';
import type { AppInngest } from '../inngest/client';
import { parseEventData } from '../inngest/events';

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

/**
 * The safety net: every minute, expire every hold past its deadline whatever happened to its own run (process
 * crash, local runner restarted, event lost). Safe to run anywhere and concurrently: every write is conditional.
 */
export function createHoldReconcilerFunction(
  inngest: AppInngest,
  deps: { expireDueHolds: ExpireDueHolds; cron?: string },
) {
  return inngest.createFunction(
    { id: 'reservation-hold-reconciler', retries: 2, triggers: [{ cron: deps.cron ?? '* * * * *' }] },
    async ({ step }) => step.run('expire-due-holds', () => deps.expireDueHolds()),
  );
}
