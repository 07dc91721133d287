import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared';
import {
  FakeClock,
  InMemoryReservationRepository,
  RecordingEventPublisher,
  RecordingNotifier,
  RecordingSeatChangeListener,
} from '../testing';
import { createExpireDueHolds, createExpireHold, createFindDueHolds } from './expire-hold.use-case';
import { createHoldSeat } from './hold-seat.use-case';
import { createListMyReservations } from './list-my-reservations.use-case';
import { createNotifyBooking, holdNotice } from './notify-booking.use-case';
import { createReleaseHold } from './release-hold.use-case';

function setup(options: { ttl?: number; limit?: number; seats?: number } = {}) {
  const reservations = new InMemoryReservationRepository();
  for (let i = 1; i <= (options.seats ?? 10); i++) {
    // Seats 1..5 on date 100, the rest on date 200; section = date + 1.
    const scheduleId = i <= 5 ? 100 : 200;
    reservations.addSeat({ seatId: i, scheduleId, sectionId: scheduleId + 1, concertId: 7, price: 50_000 });
  }
  const clock = new FakeClock();
  const events = new RecordingEventPublisher();
  const seatChanges = new RecordingSeatChangeListener();
  const deps = { reservations, clock, events, seatChanges };
  return {
    ...deps,
    hold: createHoldSeat({ ...deps, holdTtlSeconds: options.ttl ?? 300, holdLimitPerDate: options.limit ?? 4 }),
    release: createReleaseHold(deps),
    mine: createListMyReservations(deps),
    expire: createExpireHold(deps),
    sweep: createExpireDueHolds({ ...deps, batchSize: 2 }),
  };
}

const codeOf = (r: { ok: boolean; error?: unknown }) => (r.ok ? 'ok' : (r.error as DomainError).code);

describe('holdSeat', () => {
  it('holds an available seat with the section price and a deadline TTL seconds away', async () => {
    const t = setup({ ttl: 300 });
    const result = await t.hold({ userId: 1, seatId: 3 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ userId: 1, seatId: 3, scheduleId: 100, concertId: 7, amount: 50_000 });
    expect(result.value.status).toBe('HELD');
    expect(result.value.expiresAt.getTime() - t.clock.now().getTime()).toBe(300_000);
    expect(t.reservations.seat(3)).toMatchObject({ status: 'HELD', holderId: 1 });
  });

  it('announces the hold (expiry + notice workflows) and the section change', async () => {
    const t = setup();
    const result = await t.hold({ userId: 1, seatId: 3 });
    if (!result.ok) throw new Error('hold failed');
    expect(t.events.named('reservation/seat.held')).toEqual([
      {
        name: 'reservation/seat.held',
        data: {
          reservationId: result.value.reservationId,
          userId: 1,
          seatId: 3,
          scheduleId: 100,
          sectionId: 101,
          concertId: 7,
          amount: 50_000,
          expiresAt: result.value.expiresAt.toISOString(),
        },
      },
    ]);
    expect(t.seatChanges.changes).toEqual([{ seatId: 3, scheduleId: 100, sectionId: 101 }]);
  });

  it('refuses an unknown seat', async () => {
    const t = setup();
    expect(codeOf(await t.hold({ userId: 1, seatId: 999 }))).toBe('SEAT_NOT_FOUND');
  });

  it('lets exactly one of many concurrent contenders win', async () => {
    const t = setup();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => t.hold({ userId: i + 1, seatId: 2 })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === 'SEAT_UNAVAILABLE')).toHaveLength(49);
    expect(t.events.named('reservation/seat.held')).toHaveLength(1);
  });

  it('enforces the per-date limit, counting only live holds on that date', async () => {
    const t = setup({ limit: 2 });
    const first = await t.hold({ userId: 1, seatId: 1 });
    expect(codeOf(first)).toBe('ok');
    expect(codeOf(await t.hold({ userId: 1, seatId: 2 }))).toBe('ok');
    expect(codeOf(await t.hold({ userId: 1, seatId: 3 }))).toBe('HOLD_LIMIT_REACHED');
    // Another date is counted separately.
    expect(codeOf(await t.hold({ userId: 1, seatId: 6 }))).toBe('ok');
    // A released hold no longer counts.
    if (!first.ok) throw new Error('hold failed');
    expect(codeOf(await t.release({ userId: 1, reservationId: first.value.reservationId }))).toBe('ok');
    expect(codeOf(await t.hold({ userId: 1, seatId: 3 }))).toBe('ok');
  });

  it('takes over a hold whose deadline passed before any sweeper expired it, expiring the old one', async () => {
    const t = setup({ ttl: 60 });
    const first = await t.hold({ userId: 1, seatId: 4 });
    expect(codeOf(await t.hold({ userId: 2, seatId: 4 }))).toBe('SEAT_UNAVAILABLE');
    t.clock.advance(60_000);
    const second = await t.hold({ userId: 2, seatId: 4 });
    expect(codeOf(second)).toBe('ok');
    if (!first.ok) throw new Error('first hold failed');
    expect((await t.reservations.findById(first.value.reservationId))?.status).toBe('EXPIRED');
    expect(t.events.named('reservation/hold.expired')).toHaveLength(1);
    expect(t.reservations.seat(4)).toMatchObject({ status: 'HELD', holderId: 2 });
  });

  it('asks the access check with the seat, and writes nothing when it refuses', async () => {
    const t = setup();
    const seen: number[] = [];
    const result = await t.hold({
      userId: 1,
      seatId: 6,
      checkAccess: async (seat) => {
        seen.push(seat.concertId);
        return new DomainError('QUEUE_NOT_ACTIVE');
      },
    });
    expect(codeOf(result)).toBe('QUEUE_NOT_ACTIVE');
    expect(seen).toEqual([7]);
    expect(t.reservations.seat(6).status).toBe('AVAILABLE');
    expect(t.events.published).toEqual([]);
  });

  it('in sync-notify mode, a failing notifier does not fail the hold', async () => {
    const t = setup();
    const notifier = new RecordingNotifier();
    notifier.failing = true;
    const notify = createNotifyBooking({ notifier });
    const hold = createHoldSeat({
      ...t,
      holdTtlSeconds: 300,
      holdLimitPerDate: 4,
      notifyOnRequestPath: async (r) =>
        notify({ ...r, expiresAt: r.expiresAt.toISOString(), reservationId: r.reservationId }),
    });
    expect(codeOf(await hold({ userId: 1, seatId: 1 }))).toBe('ok');
    notifier.failing = false;
    expect(codeOf(await hold({ userId: 1, seatId: 2 }))).toBe('ok');
    expect(notifier.sent).toHaveLength(1);
  });
});

describe('releaseHold', () => {
  it('gives the seat back and announces it', async () => {
    const t = setup();
    const held = await t.hold({ userId: 1, seatId: 5 });
    if (!held.ok) throw new Error('hold failed');
    const result = await t.release({ userId: 1, reservationId: held.value.reservationId });
    expect(result).toEqual({ ok: true, value: { reservationId: held.value.reservationId, status: 'RELEASED' } });
    expect(t.reservations.seat(5)).toMatchObject({ status: 'AVAILABLE', holderId: null });
    expect(t.events.named('reservation/hold.released')).toHaveLength(1);
    expect(t.seatChanges.changes).toHaveLength(2);
  });

  it('refuses someone else, unknown ids, and anything not HELD', async () => {
    const t = setup();
    const held = await t.hold({ userId: 1, seatId: 5 });
    if (!held.ok) throw new Error('hold failed');
    const id = held.value.reservationId;
    expect(codeOf(await t.release({ userId: 2, reservationId: id }))).toBe('NOT_OWNER');
    expect(codeOf(await t.release({ userId: 1, reservationId: 9999 }))).toBe('RESERVATION_NOT_FOUND');
    expect(await t.reservations.confirmSale(id)).toBe(true);
    expect(codeOf(await t.release({ userId: 1, reservationId: id }))).toBe('INVALID_TRANSITION');
    expect(t.reservations.seat(5).status).toBe('SOLD');
  });
});

describe('expiry', () => {
  it('expires a hold only once its deadline passed, and frees the seat', async () => {
    const t = setup({ ttl: 2 });
    const held = await t.hold({ userId: 1, seatId: 1 });
    if (!held.ok) throw new Error('hold failed');
    expect(await t.expire({ reservationId: held.value.reservationId })).toBe('not-due');
    t.clock.advance(2_000);
    expect(await t.expire({ reservationId: held.value.reservationId })).toBe('expired');
    expect(await t.expire({ reservationId: held.value.reservationId })).toBe('not-held');
    expect(await t.expire({ reservationId: 12345 })).toBe('not-found');
    expect(t.reservations.seat(1)).toMatchObject({ status: 'AVAILABLE', holderId: null });
    expect(t.events.named('reservation/hold.expired')).toHaveLength(1);
  });

  it('never undoes a sale, whichever comes first', async () => {
    const t = setup({ ttl: 2 });
    const held = await t.hold({ userId: 1, seatId: 1 });
    if (!held.ok) throw new Error('hold failed');
    expect(await t.reservations.confirmSale(held.value.reservationId)).toBe(true);
    t.clock.advance(5_000);
    expect(await t.expire({ reservationId: held.value.reservationId })).toBe('not-held');
    expect(t.reservations.seat(1).status).toBe('SOLD');
    expect((await t.reservations.findById(held.value.reservationId))?.status).toBe('CONFIRMED');
  });

  it('a sale after the deadline is refused when the payment asks for it', async () => {
    const t = setup({ ttl: 2 });
    const held = await t.hold({ userId: 1, seatId: 1 });
    if (!held.ok) throw new Error('hold failed');
    t.clock.advance(3_000);
    expect(await t.reservations.confirmSale(held.value.reservationId, { notAfter: t.clock.now() })).toBe(false);
  });

  it('the reconciler sweeps every due hold in batches and leaves live ones', async () => {
    const t = setup({ ttl: 10 });
    for (const seatId of [1, 2, 3, 6, 7]) await t.hold({ userId: seatId, seatId });
    t.clock.advance(10_000);
    await t.hold({ userId: 9, seatId: 8 });
    expect(await createFindDueHolds(t)({ limit: 3 })).toHaveLength(3);
    expect(await t.sweep()).toEqual({ expired: 5 });
    expect(await createFindDueHolds(t)()).toEqual([]);
    expect(t.reservations.seat(8).status).toBe('HELD');
    expect(await t.sweep()).toEqual({ expired: 0 });
    expect(t.events.named('reservation/hold.expired')).toHaveLength(5);
  });
});

describe('listMyReservations', () => {
  it('lists only mine, most recent first, with lapsed holds shown as EXPIRED', async () => {
    const t = setup({ ttl: 10 });
    await t.hold({ userId: 1, seatId: 1 });
    await t.hold({ userId: 2, seatId: 2 });
    t.clock.advance(5_000);
    await t.hold({ userId: 1, seatId: 3 });
    t.clock.advance(6_000);
    const result = await t.mine({ userId: 1 });
    if (!result.ok) throw new Error('unreachable');
    expect(result.value.map((r) => [r.seatId, r.status])).toEqual([
      [3, 'HELD'],
      [1, 'EXPIRED'],
    ]);
  });
});

describe('holdNotice', () => {
  it('is a Slack-compatible text message', () => {
    const message = holdNotice({
      reservationId: 42,
      userId: 7,
      seatId: 3,
      scheduleId: 9,
      sectionId: 10,
      concertId: 2,
      amount: 150_000,
      expiresAt: '2026-12-01T10:05:00.000Z',
    });
    expect(Object.keys(message)).toEqual(['text']);
    expect(message.text).toContain('#42');
    expect(message.text).toContain('150,000 won');
  });
});
