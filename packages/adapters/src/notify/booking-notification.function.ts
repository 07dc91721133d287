import type { NotifyBooking, NotifySale } from '@concert/domain';
import { heldReservations, mapWithLimit } from '../inngest/batch';
import type { AppInngest } from '../inngest/client';
import { type EventData, parseEventData } from '../inngest/events';

/**
 * `reservation/seat.held` -> one Slack-compatible notice per held seat. Runs off the request path; a failing or
 * slow webhook is retried here (with backoff) and can never affect the hold itself.
 *
 * Batched (`batchEvents`, up to 100 holds or 1 s): a burst of holds is one run that posts its notices at
 * once, instead of one run per hold. The first step never throws: it lists the notices that failed, so a retry
 * never posts a delivered notice twice. Each failed notice then gets its own step, retried with backoff until
 * the webhook takes it (or its retries run out, as a single-notice run's would).
 */
export function createBookingNotificationFunction(inngest: AppInngest, deps: { notifyBooking: NotifyBooking }) {
  return inngest.createFunction(
    {
      id: 'notify-booking-held',
      retries: 5,
      batchEvents: { maxSize: 100, timeout: '1s' },
      triggers: [{ event: 'reservation/seat.held' }],
    },
    async ({ events, step }) => {
      const held = heldReservations(events);
      const failed = await step.run('post-webhooks', async () => {
        const list = [...held.values()];
        const delivered = await mapWithLimit(list, POSTS_IN_FLIGHT, (h) =>
          deps.notifyBooking(h).then(
            () => true,
            () => false,
          ),
        );
        return list.filter((_, i) => !delivered[i]).map((h) => h.reservationId);
      });
      await Promise.all(
        failed.map((id) =>
          step.run(`retry-${id}`, () => deps.notifyBooking(held.get(id) as EventData<'reservation/seat.held'>)),
        ),
      );
      return { notified: held.size, retried: failed.length };
    },
  );
}

/**
 * Webhook calls of one batch in flight at once: enough to post 100 notices to a 200 ms webhook in ~1 s, few
 * enough that starting them never holds the event loop (and the API's requests) for long in one go.
 */
const POSTS_IN_FLIGHT = 20;

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
