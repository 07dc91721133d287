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

/** The function bodies on their own (`@inngest/test`): no runner, no MySQL. */
describe('reservation workflow functions', () => {
  it('hold expiry: sleeps until just after the deadline, then expires that reservation', async () => {
    const calls: number[] = [];
    const fn = createHoldExpiryFunction(inngest, {
      expireHold: async ({ reservationId }) => {
        calls.push(reservationId);
        return 'expired' as ExpireOutcome;
      },
    });
    const t = new InngestTestEngine({
      function: fn,
      events: [{ name: 'reservation/seat.held', data: held }],
      // The sleep is resolved by the test instead of a runner.
      steps: [{ id: 'until-deadline', handler: () => null }],
    });
    const { result, ctx } = await t.execute();
    expect(result).toEqual({ reservationId: 42, outcome: 'expired' });
    expect(calls).toEqual([42]);
    const sleep = ctx.step.sleepUntil as unknown as { mock: { calls: unknown[][] } };
    const [, until] = sleep.mock.calls[0] ?? [];
    expect(new Date(until as Date).getTime()).toBeGreaterThan(Date.parse(held.expiresAt));
    expect(fn.opts).toMatchObject({ retries: 5, triggers: [{ event: 'reservation/seat.held' }] });
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
    const batch = [42, 43, 44, 42].map((reservationId) => ({
      name: 'reservation/seat.held' as const,
      data: { ...held, reservationId },
    }));
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
