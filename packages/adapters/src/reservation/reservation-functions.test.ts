import type { ExpireOutcome, NotificationMessage } from '@concert/domain';
import { createNotifyBooking, createNotifySale } from '@concert/domain';
import { InngestTestEngine } from '@inngest/test';
import { describe, expect, it } from 'vitest';
import { createInngest } from '../inngest/client';
import { LocalInngestTransport } from '../inngest/local-runner/transport';
import {
  createBookingNotificationFunction,
  createSaleNotificationFunction,
} from '../notify/booking-notification.function';
import { createHoldExpiryFunction, createHoldReconcilerFunction } from './hold-expiry.function';

const inngest = createInngest({ mode: 'local', fetch: new LocalInngestTransport().fetch });
const held = {
  reservationId: 42,
  userId: 7,
  seatId: 3,
  scheduleId: 9,
  sectionId: 10,
  concertId: 2,
  amount: 150_000,
  expiresAt: '2026-12-01T10:05:00.000Z',
};

/** `reservation/seat.held` events for these reservations (a batch), with their own deadlines if given. */
function heldEvents(ids: number[], deadlines?: string[]) {
  const [first, ...rest] = ids.map((reservationId, i) => ({
    name: 'reservation/seat.held' as const,
    data: { ...held, reservationId, expiresAt: deadlines?.[i] ?? held.expiresAt },
  }));
  if (!first) throw new Error('a batch has at least one event');
  return [first, ...rest] as [typeof first, ...(typeof first)[]];
}

/** The function bodies on their own (`@inngest/test`): no runner, no MySQL. */
describe('reservation workflow functions', () => {
  it('hold expiry, batched: sleeps until just after each group of deadlines, then expires exactly those holds', async () => {
    const calls: number[] = [];
    const fn = createHoldExpiryFunction(inngest, {
      expireHold: async ({ reservationId }) => {
        calls.push(reservationId);
        return (reservationId === 45 ? 'not-held' : 'expired') as ExpireOutcome;
      },
    });
    expect(fn.opts).toMatchObject({
      retries: 5,
      batchEvents: { maxSize: 100, timeout: '1s' },
      triggers: [{ event: 'reservation/seat.held' }],
    });
    const at = (ms: number) => new Date(Date.parse(held.expiresAt) + ms).toISOString();
    // 42..44 lapse within 1 s of each other (one sleep); 45 a minute later (its own); 42 delivered twice.
    const events = heldEvents([42, 43, 44, 45, 42], [0, 400, 900, 60_000, 0].map(at));
    const t = new InngestTestEngine({
      function: fn,
      events,
      // Sleeps are resolved by the test instead of a runner.
      steps: [
        { id: 'until-deadline-0', handler: () => null },
        { id: 'until-deadline-1', handler: () => null },
      ],
    });
    const { result, ctx } = await t.execute();
    expect(result).toEqual({ holds: 4, outcomes: { expired: 3, 'not-held': 1 } });
    expect(calls.sort()).toEqual([42, 43, 44, 45]);
    const sleep = ctx.step.sleepUntil as unknown as { mock: { calls: unknown[][] } };
    const wakes = sleep.mock.calls.map(([, until]) => new Date(until as Date).getTime());
    // Each group wakes after its last deadline, never before any of its holds is due.
    expect(wakes).toEqual([Date.parse(at(900)) + 250, Date.parse(at(60_000)) + 250]);
  });

  it('reconciler: a once-a-minute singleton that expires every due hold in chunks', async () => {
    const expired: number[] = [];
    const fn = createHoldReconcilerFunction(inngest, {
      findDueHolds: async () => Array.from({ length: 120 }, (_, i) => i + 1),
      expireHold: async ({ reservationId }) => {
        expired.push(reservationId);
        return reservationId % 2 === 0 ? 'expired' : 'not-held';
      },
    });
    const t = new InngestTestEngine({ function: fn, events: [{ name: 'inngest/scheduled.timer', data: {} }] });
    const { result } = await t.execute();
    expect(result).toEqual({ found: 3, fixed: 3, failed: 0 });
    expect(expired).toHaveLength(120);
    expect(fn.opts).toMatchObject({ singleton: { mode: 'skip' }, triggers: [{ cron: '* * * * *' }] });
  });

  it('booking notices, batched: one message per held seat; a failed one is retried alone, never a delivered one', async () => {
    const sent: NotificationMessage[] = [];
    const down = new Set<number>();
    const notifyBooking = createNotifyBooking({
      notifier: {
        send: async (m) => {
          const id = Number(/#(\d+),/.exec(m.text)?.[1]);
          if (down.has(id)) throw new Error('webhook 500');
          sent.push(m);
        },
      },
    });
    const fn = createBookingNotificationFunction(inngest, { notifyBooking });
    expect(fn.opts).toMatchObject({ retries: 5, batchEvents: { maxSize: 100, timeout: '1s' } });
    const batch = heldEvents([42, 43, 44, 42]);
    const ok = await new InngestTestEngine({ function: fn, events: batch }).execute();
    // The same hold delivered twice in one batch (an event redelivered) is noticed once.
    expect(ok.result).toEqual({ notified: 3, retried: 0 });
    expect(sent.map((m) => /#(\d+),/.exec(m.text)?.[1]).sort()).toEqual(['42', '43', '44']);

    sent.length = 0;
    down.add(43);
    const bad = await new InngestTestEngine({ function: fn, events: batch }).execute();
    // 42 and 44 went out in the first step; 43's own step failed and is what the runner retries.
    expect(sent.map((m) => /#(\d+),/.exec(m.text)?.[1]).sort()).toEqual(['42', '44']);
    expect(bad.error).toBeTruthy();

    // The retry replays the first step from memory (no second post of 42 or 44) and delivers 43.
    sent.length = 0;
    down.clear();
    const retried = await new InngestTestEngine({
      function: fn,
      events: batch,
      steps: [{ id: 'post-webhooks', handler: () => [43] }],
    }).execute();
    expect(retried.result).toEqual({ notified: 3, retried: 1 });
    expect(sent.map((m) => /#(\d+),/.exec(m.text)?.[1])).toEqual(['43']);
  });

  it('sale notice: posts one message per completed payment, and fails (to be retried) when the webhook does', async () => {
    const sent: NotificationMessage[] = [];
    let failing = false;
    const notifySale = createNotifySale({
      notifier: {
        send: async (m) => {
          if (failing) throw new Error('webhook 500');
          sent.push(m);
        },
      },
    });
    const fn = createSaleNotificationFunction(inngest, { notifySale });
    const completed = {
      paymentId: 5,
      userId: 7,
      reservationId: 42,
      concertId: 2,
      scheduleId: 9,
      sectionId: 10,
      seatId: 3,
      amount: 150_000,
      completedAt: '2026-12-01T10:01:00.000Z',
    };
    const ok = await new InngestTestEngine({
      function: fn,
      events: [{ name: 'payment/completed', data: completed }],
    }).execute();
    expect(ok.result).toEqual({ notified: 5 });
    expect(sent.map((m) => m.text)).toEqual([expect.stringContaining('Seat 3 sold (payment #5, reservation #42')]);
    failing = true;
    const bad = await new InngestTestEngine({
      function: fn,
      events: [{ name: 'payment/completed', data: completed }],
    }).execute();
    expect(bad.error).toBeTruthy();
    expect(fn.opts).toMatchObject({ retries: 5, triggers: [{ event: 'payment/completed' }] });
  });
});
