import { describe, expect, it } from 'vitest';
import type { Clock } from '../../shared';
import type { ConcertDirectory } from '../ports/concert-directory.port';
import type { QueuePassTokens } from '../ports/queue-pass-tokens.port';
import type { QueueStore, StatusOutcome, TickOutcome } from '../ports/queue-store.port';
import type { QueuePass } from '../queue.entity';
import { admissionCapacity } from '../queue.policy';
import { createAdmissionTick } from './admission-tick.use-case';
import { createEnterQueue } from './enter-queue.use-case';
import { createQueueStatus } from './queue-status.use-case';
import { createRequireActivePass } from './require-active-pass.use-case';

const tokens: QueuePassTokens = {
  sign: (p) => `t.${p.concertId}.${p.userId}.${p.seq}`,
  verify: (t) => {
    const [tag, c, u, s] = t.split('.');
    return tag === 't' ? { concertId: Number(c), userId: Number(u), seq: Number(s) } : null;
  },
};
const nowMs = 1_000_000;
const clock: Clock = { now: () => new Date(nowMs) };
const capacity = admissionCapacity({ tickMs: 1000, admitPerTick: 10, maxActive: 100, activeTtlSeconds: 600 });

/** A store whose answers the test scripts; records what it was asked. */
function fakeStore(
  overrides: Partial<QueueStore> = {},
): QueueStore & { savedRates: number[]; soldOut: Map<number, boolean> } {
  const savedRates: number[] = [];
  const soldOut = new Map<number, boolean>();
  const unused = () => Promise.reject(new Error('not scripted'));
  return {
    savedRates,
    soldOut,
    enter: unused,
    status: unused,
    checkActive: unused,
    leave: unused,
    spend: unused,
    tick: unused,
    snapshot: unused,
    concerts: async () => [],
    liveConcerts: async () => [],
    markLive: unused,
    retireIfIdle: unused,
    saveAdmissionRate: async (_id, rate) => {
      savedRates.push(rate);
    },
    setSoldOut: async (id, flag) => {
      soldOut.set(id, flag);
    },
    ...overrides,
  };
}

const directory = (existing: number[], sellable: number[] = existing): ConcertDirectory => ({
  exists: async (id) => existing.includes(id),
  withSellableSeats: async (ids) => new Set(ids.filter((id) => sellable.includes(id))),
});

describe('enter queue', () => {
  it('refuses an unknown concert without touching the store', async () => {
    const enter = createEnterQueue({ store: fakeStore(), tokens, clock, capacity, concerts: directory([1]) });
    const result = await enter({ userId: 5, concertId: 2 });
    expect(!result.ok && result.error.code).toBe('CONCERT_NOT_FOUND');
  });

  it('signs the pass with the arrival seq and derives ETA and poll interval from the position', async () => {
    const store = fakeStore({ enter: async () => ({ kind: 'WAITING', seq: 77, position: 40, ratePerSec: 4 }) });
    const enter = createEnterQueue({ store, tokens, clock, capacity, concerts: directory([1]), random: () => 0 });
    const result = await enter({ userId: 5, concertId: 1 });
    expect(result.ok && result.value).toEqual({
      queueToken: 't.1.5.77',
      status: 'WAITING',
      position: 40,
      etaSeconds: 10,
      pollAfterMs: 2000,
      activeUntil: null,
    });
  });
});

describe('queue status', () => {
  const pass: QueuePass = { concertId: 1, userId: 5, seq: 9 };
  const statusWith = (outcome: StatusOutcome) =>
    createQueueStatus({ store: fakeStore({ status: async () => outcome }), tokens, clock, capacity });

  it('refuses a missing, unreadable or foreign token before asking the store', async () => {
    const status = createQueueStatus({ store: fakeStore(), tokens, clock, capacity });
    for (const queueToken of [undefined, 'junk', tokens.sign({ ...pass, userId: 6 })]) {
      const result = await status({ userId: 5, queueToken });
      expect(!result.ok && result.error.code).toBe('QUEUE_TOKEN_INVALID');
    }
  });

  it('maps store outcomes to the wire view', async () => {
    const token = tokens.sign(pass);
    const active = await statusWith({ kind: 'ACTIVE', activeUntilMs: 2_000_000 })({ userId: 5, queueToken: token });
    expect(active.ok && active.value).toMatchObject({
      status: 'ACTIVE',
      activeUntil: new Date(2_000_000).toISOString(),
    });
    const sold = await statusWith({ kind: 'SOLD_OUT' })({ userId: 5, queueToken: token });
    expect(sold.ok && sold.value).toMatchObject({ status: 'SOLD_OUT', position: null, etaSeconds: null });
    const limited = await statusWith({ kind: 'RATE_LIMITED', retryAfterMs: 700 })({ userId: 5, queueToken: token });
    expect(!limited.ok && limited.error.code).toBe('RATE_LIMITED');
  });
});

describe('require active pass', () => {
  it('is QUEUE_TOKEN_INVALID for another concert and QUEUE_NOT_ACTIVE while waiting', async () => {
    const store = fakeStore({ checkActive: async () => ({ kind: 'WAITING' }) });
    const require = createRequireActivePass({ store, tokens, clock });
    const token = tokens.sign({ concertId: 1, userId: 5, seq: 3 });
    const other = await require({ userId: 5, queueToken: token, concertId: 2 });
    expect(!other.ok && other.error.code).toBe('QUEUE_TOKEN_INVALID');
    const waiting = await require({ userId: 5, queueToken: token, concertId: 1 });
    expect(!waiting.ok && waiting.error.code).toBe('QUEUE_NOT_ACTIVE');
  });
});

describe('admission tick', () => {
  const outcome = (o: Partial<TickOutcome>): TickOutcome => ({
    admitted: 0,
    expired: 0,
    abandoned: 0,
    waiting: 0,
    active: 0,
    hadWaiters: false,
    previousRatePerSec: null,
    previousSampleAtMs: null,
    soldOut: false,
    ...o,
  });

  it('measures the admission rate only over intervals with people waiting', async () => {
    const replies = [
      outcome({ admitted: 10, waiting: 5, hadWaiters: true, previousSampleAtMs: nowMs - 1000 }),
      outcome({ admitted: 0, waiting: 0, hadWaiters: false, previousRatePerSec: 10, previousSampleAtMs: nowMs }),
    ];
    const store = fakeStore({
      liveConcerts: async () => [1],
      retireIfIdle: async () => true,
      tick: async () => replies.shift()!,
    });
    const { tick } = createAdmissionTick({
      store,
      concerts: directory([1]),
      clock,
      limits: { admitPerTick: 10, maxActive: 100, activeTtlMs: 1000 },
      soldOutRefreshMs: 60_000,
      registrySweepMs: 60_000,
    });
    expect(await tick()).toMatchObject({ admitted: 10, concerts: 1, soldOutRefreshed: true });
    expect(store.savedRates).toEqual([10]);
    await tick();
    expect(store.savedRates).toEqual([10]);
  });

  it('flags concerts with nothing left to sell as sold out, and clears the flag otherwise', async () => {
    const store = fakeStore({ liveConcerts: async () => [1, 2], tick: async () => outcome({ waiting: 3 }) });
    const { tick } = createAdmissionTick({
      store,
      concerts: directory([1, 2], [2]),
      clock,
      limits: { admitPerTick: 10, maxActive: 100, activeTtlMs: 1000 },
      soldOutRefreshMs: 60_000,
      registrySweepMs: 60_000,
    });
    await tick();
    expect(store.soldOut).toEqual(
      new Map([
        [1, true],
        [2, false],
      ]),
    );
  });

  it('ticks the live concerts, retires those it finds idle, and sweeps every concert ever queued once a sweep is due', async () => {
    let now = nowMs;
    const live = new Set([1, 2]);
    const people = new Map([
      [1, 3], // three waiting
      [2, 0], // idle: retired at its first tick
      [3, 2], // queued but not on the live list (e.g. from before it existed): found by the sweep
      [4, 0], // ever queued, idle, not live: swept, left alone
    ]);
    const ticked: number[][] = [];
    let round: number[] = [];
    const store = fakeStore({
      concerts: async () => [1, 2, 3, 4],
      liveConcerts: async () => [...live],
      markLive: async (ids) => {
        for (const id of ids) live.add(id);
      },
      retireIfIdle: async (id) => {
        if ((people.get(id) ?? 0) > 0) return false;
        live.delete(id);
        return true;
      },
      tick: async (id) => {
        round.push(id);
        return outcome({ waiting: people.get(id) ?? 0 });
      },
    });
    const { tick } = createAdmissionTick({
      store,
      concerts: directory([1, 2, 3, 4]),
      clock: { now: () => new Date(now) },
      limits: { admitPerTick: 10, maxActive: 100, activeTtlMs: 1000 },
      soldOutRefreshMs: 60_000,
      registrySweepMs: 60_000,
    });
    const next = async (ms: number) => {
      now += ms;
      round = [];
      const report = await tick();
      ticked.push(round.sort());
      return report;
    };

    expect(await next(0)).toMatchObject({ concerts: 4, retired: 1 }); // the first tick sweeps
    expect([...live].sort()).toEqual([1, 3]);
    expect(await next(1_000)).toMatchObject({ concerts: 2, retired: 0 });
    people.set(1, 0);
    expect(await next(1_000)).toMatchObject({ concerts: 2, retired: 1 });
    expect(await next(1_000)).toMatchObject({ concerts: 1, retired: 0 });
    expect(await next(57_000)).toMatchObject({ concerts: 4 }); // a minute after the first: a sweep again
    expect(ticked).toEqual([[1, 2, 3, 4], [1, 3], [1, 3], [3], [1, 2, 3, 4]]);
  });

  it('re-reads the sold-out flag of a concert nobody can queue at, so seats that come back are offered again', async () => {
    let now = nowMs;
    const sellable: number[] = [];
    const store = fakeStore({
      concerts: async () => [7],
      tick: async (id) => outcome({ soldOut: store.soldOut.get(id) ?? true }), // flagged, nobody waiting
    });
    const { tick } = createAdmissionTick({
      store,
      concerts: {
        exists: async () => true,
        withSellableSeats: async (ids) => new Set(ids.filter((id) => sellable.includes(id))),
      },
      clock: { now: () => new Date(now) },
      limits: { admitPerTick: 10, maxActive: 100, activeTtlMs: 1000 },
      soldOutRefreshMs: 5_000,
      registrySweepMs: 60_000,
    });
    await tick(); // a sweep visits it: still nothing to sell
    expect(store.soldOut.get(7)).toBe(true);
    sellable.push(7); // e.g. a refund puts a seat back
    now += 60_000;
    await tick(); // the next sweep
    expect(store.soldOut.get(7)).toBe(false);
  });
});
