import type { NotifyBooking, NotifySale } from '@concert/domain';
import type { AppInngest } from '../inngest/client';
import { parseEventData } from '../inngest/events';

/**
 * `reservation/seat.held` -> one Slack-compatible notice. Runs off the request path; a failing or slow webhook
 * is retried here (with backoff) and can never affect the hold itself.
 */
export function createBookingNotificationFunction(inngest: AppInngest, deps: { notifyBooking: NotifyBooking }) {
  return inngest.createFunction(
    { id: 'notify-booking-held', retries: 5, triggers: [{ event: 'reservation/seat.held' }] },
    async ({ event, step }) => {
      const held = parseEventData('reservation/seat.held', event.data);
      await step.run('post-webhook', () => deps.notifyBooking(held));
      return { notified: held.reservationId };
    },
  );
}

/** `payment/completed` -> one "seat sold" notice, with the same retries and the same isolation as above. */
export function createSaleNotificationFunction(inngest: AppInngest, deps: { notifySale: NotifySale }) {
  return inngest.createFunction(
    { id: 'notify-booking-sold', retries: 5, triggers: [{ event: 'payment/completed' }] },
    async ({ event, step }) => {
      const sold = parseEventData('payment/completed', event.data);
      await step.run('post-webhook', () => deps.notifySale(sold));
      return { notified: sold.paymentId };
    },
  );
}
