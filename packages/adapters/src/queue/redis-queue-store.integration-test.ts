import { abandonAfterMs, pollAfterMs } from '@concert/domain';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedis, type TestRedis } from '../testing';
import { queueKeys, RedisQueueStore } from './redis-queue-store';

let t: TestRedis;
let store: RedisQueueStore;
const T0 = 1_800_000_000_000;
const limits = { admitPerTick: 50, maxActive: 100, activeTtlMs: 600_000 };

beforeAll(async () => {
  t = await createTestRedis('queue_store');
  store = new RedisQueueStore(t.redis);
});
afterAll(async () => {
  await t.destroy();
});

async function enterAll(concertId: number, userIds: number[], nowMs = T0) {
  return Promise.all(userIds.map((u) => store.enter(concertId, u, nowMs)));
}
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('RedisQueueStore', () => {
  it('applies the client keyPrefix to script keys and keeps the hash tag', async () => {
    await store.enter(1, 7, T0);
    const raw = new Redis(t.url);
    try {
      expect(await raw.exists(`${t.prefix}{q:1}:w`)).toBe(1);
      expect(await raw.exists('{q:1}:w')).toBe(0);
      expect(queueKeys(1).every((k) => k.startsWith('{q:1}:'))).toBe(true);
    } finally {
      raw.disconnect();
    }
  });

  it('gives 10,000 concurrent enters 10,000 distinct positions with no gaps, in arrival order', async () => {
    const users = range(1_000, 10_000);
    const outs = await enterAll(2, users);
    const positions = outs.map((o) => (o.kind === 'WAITING' ? o.position : -1));
    // One connection delivers commands in the order they were issued, so issue order is arrival order.
    expect(positions).toEqual(range(1, 10_000));
    const seqs = outs.map((o) => (o.kind === 'WAITING' ? o.seq : -1));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
  });

  it('orders concurrent enters from several connections exactly, without duplicates or gaps', async () => {
    const clients = [0, 1, 2, 3].map(() => new Redis(t.url, { keyPrefix: t.prefix }));
    try {
      const stores = clients.map((c) => new RedisQueueStore(c));
      const users = range(1, 10_000);
      const outs = await Promise.all(users.map((u, i) => stores[i % 4]!.enter(3, u, T0)));
      const waiting = outs.map((o) => (o.kind === 'WAITING' ? o : null));
      const positions = waiting.map((o) => o?.position ?? -1).sort((a, b) => a - b);
      expect(positions).toEqual(range(1, 10_000));
      // Position order is arrival (seq) order.
      const bySeq = [...waiting].sort((a, b) => a!.seq - b!.seq).map((o) => o!.position);
      expect(bySeq).toEqual(range(1, 10_000));
    } finally {
      for (const c of clients) c.disconnect();
    }
  });

  it('returns the same pass and place when entering again', async () => {
    await enterAll(4, range(1, 20));
    const first = await store.enter(4, 12, T0 + 1000);
    const again = await store.enter(4, 12, T0 + 2000);
    expect(first).toMatchObject({ kind: 'WAITING', position: 12 });
    expect(again).toEqual(first);
  });

  it('admits FIFO within the per-tick and max-active limits, and reports ACTIVE', async () => {
    const outs = await enterAll(5, range(1, 300));
    const t1 = await store.tick(5, T0 + 1000, limits);
    expect(t1).toMatchObject({ admitted: 50, waiting: 250, active: 50, hadWaiters: true });
    const first = outs[0]!;
    if (first.kind !== 'WAITING') throw new Error('expected WAITING');
    expect(await store.status({ concertId: 5, userId: 1, seq: first.seq }, T0 + 1500)).toEqual({
      kind: 'ACTIVE',
      activeUntilMs: T0 + 1000 + limits.activeTtlMs,
    });
    const u51 = outs[50]!;
    if (u51.kind !== 'WAITING') throw new Error('expected WAITING');
    expect(await store.status({ concertId: 5, userId: 51, seq: u51.seq }, T0 + 1500)).toMatchObject({
      kind: 'WAITING',
      position: 1,
    });
    expect((await store.tick(5, T0 + 2000, limits)).active).toBe(100);
    // Room full: nobody more until someone leaves, spends or expires.
    expect((await store.tick(5, T0 + 3000, limits)).admitted).toBe(0);
    expect(await store.spend(5, 1)).toBe(true);
    expect(await store.spend(5, 1)).toBe(false);
    expect((await store.tick(5, T0 + 4000, limits)).admitted).toBe(1);
    expect(
      await store.checkActive({ concertId: 5, userId: 101, seq: (outs[100] as { seq: number }).seq }, T0 + 4000),
    ).toMatchObject({ kind: 'ACTIVE' });
    expect(await store.checkActive({ concertId: 5, userId: 1, seq: first.seq }, T0 + 4000)).toEqual({
      kind: 'EXPIRED',
    });
    expect(await store.checkActive({ concertId: 5, userId: 150, seq: (outs[149] as { seq: number }).seq }, T0)).toEqual(
      { kind: 'WAITING' },
    );
  });

  it('never exceeds maxActive while two tickers on separate connections race', async () => {
    const other = new Redis(t.url, { keyPrefix: t.prefix });
    try {
      const storeB = new RedisQueueStore(other);
      await enterAll(6, range(1, 2_000));
      const tight = { admitPerTick: 37, maxActive: 120, activeTtlMs: 5_000 };
      let now = T0;
      let spent = 0;
      for (let round = 0; round < 40; round++) {
        now += 250;
        const [a, b] = await Promise.all([store.tick(6, now, tight), storeB.tick(6, now + 1, tight)]);
        expect(a.active).toBeLessThanOrEqual(tight.maxActive);
        expect(b.active).toBeLessThanOrEqual(tight.maxActive);
        const snap = await store.snapshot(6);
        expect(snap.active).toBeLessThanOrEqual(tight.maxActive);
        // Free a few slots the way completed payments do, so admission keeps racing for room.
        const someActive = await t.redis.zrange(queueKeys(6)[1]!, '0', '4');
        for (const uid of someActive) if (await (round % 2 ? store : storeB).spend(6, Number(uid))) spent++;
      }
      const snap = await store.snapshot(6);
      expect(snap.active).toBeLessThanOrEqual(tight.maxActive);
      expect(snap.admittedTotal).toBe(snap.active + spent + snap.expiredTotal);
      expect(snap.admittedTotal + snap.waiting).toBe(2_000);
    } finally {
      other.disconnect();
    }
  });

  it('expires ACTIVE passes after their TTL and frees the slot', async () => {
    const [o] = await enterAll(7, [1, 2]);
    await store.tick(7, T0, { ...limits, maxActive: 1, activeTtlMs: 10_000 });
    const pass = { concertId: 7, userId: 1, seq: (o as { seq: number }).seq };
    expect((await store.checkActive(pass, T0 + 9_999)).kind).toBe('ACTIVE');
    expect((await store.status(pass, T0 + 10_000)).kind).toBe('EXPIRED');
    const next = await store.tick(7, T0 + 10_000, { ...limits, maxActive: 1, activeTtlMs: 10_000 });
    expect(next).toMatchObject({ expired: 1, admitted: 1, active: 1, waiting: 0 });
    // Entering again after expiry starts a new pass at the back.
    const again = await store.enter(7, 1, T0 + 10_001);
    expect(again.kind).toBe('WAITING');
    expect((again as { seq: number }).seq).toBeGreaterThan(pass.seq);
  });

  it('drops waiters who stopped polling, so they never stall admission', async () => {
    const outs = await enterAll(8, range(1, 10));
    const seqOf = (i: number) => (outs[i - 1] as { seq: number }).seq;
    const deadline = abandonAfterMs(10);
    // Users 2..10 keep polling; user 1 (front of the line) went away.
    let now = T0;
    while (now < T0 + deadline + 5_000) {
      now += 3_000;
      for (let u = 2; u <= 10; u++) await store.status({ concertId: 8, userId: u, seq: seqOf(u) }, now);
    }
    const tick = await store.tick(8, now, { ...limits, maxActive: 1 });
    expect(tick).toMatchObject({ abandoned: 1, admitted: 1, waiting: 8 });
    expect((await store.status({ concertId: 8, userId: 1, seq: seqOf(1) }, now)).kind).toBe('EXPIRED');
    expect((await store.checkActive({ concertId: 8, userId: 2, seq: seqOf(2) }, now)).kind).toBe('ACTIVE');
    expect(await store.status({ concertId: 8, userId: 3, seq: seqOf(3) }, now + 2_000)).toMatchObject({
      kind: 'WAITING',
      position: 1,
    });
    expect((await store.snapshot(8)).abandonedTotal).toBe(1);
  });

  it('answers SOLD_OUT to everyone and admits nobody once sold out', async () => {
    const outs = await enterAll(9, range(1, 5));
    await store.setSoldOut(9, true);
    expect((await store.status({ concertId: 9, userId: 3, seq: (outs[2] as { seq: number }).seq }, T0)).kind).toBe(
      'SOLD_OUT',
    );
    expect(await store.tick(9, T0 + 1000, limits)).toMatchObject({ admitted: 0, waiting: 5, soldOut: true });
    expect((await store.enter(9, 99, T0)).kind).toBe('SOLD_OUT');
    await store.setSoldOut(9, false);
    expect(await store.tick(9, T0 + 2000, limits)).toMatchObject({ admitted: 5, soldOut: false });
  });

  it('rate-limits a client polling faster than told, never one that honours pollAfterMs', async () => {
    const users = await enterAll(10, range(1, 30));
    const pass = (u: number) => ({ concertId: 10, userId: u, seq: (users[u - 1] as { seq: number }).seq });
    // Greedy: polls every 100 ms at position 30 (told ~2-3 s).
    const kinds: string[] = [];
    for (let i = 0; i < 10; i++) kinds.push((await store.status(pass(30), T0 + i * 100)).kind);
    expect(kinds.slice(0, 3)).toEqual(['WAITING', 'WAITING', 'WAITING']);
    expect(kinds).toContain('RATE_LIMITED');
    const limited = await store.status(pass(30), T0 + 950);
    expect(limited).toMatchObject({ kind: 'RATE_LIMITED' });
    expect((limited as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    // Polite: waits exactly what it was told, with the smallest jitter, 200 times.
    let now = T0;
    for (let i = 0; i < 200; i++) {
      const out = await store.status(pass(20), now);
      expect(out.kind).toBe('WAITING');
      now += pollAfterMs((out as { position: number }).position, 0);
    }
  });

  it('lets only the current pass leave', async () => {
    const outs = await enterAll(11, [1, 2, 3]);
    const p2 = { concertId: 11, userId: 2, seq: (outs[1] as { seq: number }).seq };
    expect(await store.leave({ ...p2, seq: p2.seq + 1 })).toBe(false);
    expect(await store.leave(p2)).toBe(true);
    expect((await store.status(p2, T0)).kind).toBe('EXPIRED');
    expect(await store.status({ concertId: 11, userId: 3, seq: (outs[2] as { seq: number }).seq }, T0)).toMatchObject({
      kind: 'WAITING',
      position: 2,
    });
  });

  it('lists concerts with queues and keeps per-concert totals', async () => {
    expect(await store.concerts()).toEqual(expect.arrayContaining([1, 2, 3, 4, 5]));
    const snap = await store.snapshot(5);
    expect(snap.admittedTotal).toBe(101);
    expect(snap.spentTotal).toBe(1);
    await store.saveAdmissionRate(5, 12.5);
    expect((await store.snapshot(5)).ratePerSec).toBe(12.5);
  });

  it('keeps a concert on the live list while anyone waits or holds a pass, and puts it back on the next enter', async () => {
    const out = await store.enter(40, 1, T0);
    expect(await store.liveConcerts()).toContain(40);
    expect(await store.retireIfIdle(40)).toBe(false); // waiting
    expect(await store.liveConcerts()).toContain(40);
    await store.tick(40, T0, limits);
    await store.tick(40, T0 + 1_000, limits); // a rate sample is taken
    expect(await store.retireIfIdle(40)).toBe(false); // ACTIVE
    expect(await store.leave({ concertId: 40, userId: 1, seq: (out as { seq: number }).seq })).toBe(true);
    expect(await store.retireIfIdle(40)).toBe(true);
    expect(await store.liveConcerts()).not.toContain(40);
    expect(await store.concerts()).toContain(40); // still on the dashboard's list
    // The next busy interval starts a fresh rate sample rather than averaging over the idle time.
    expect(await t.redis.hget(queueKeys(40)[5]!, 'sampleTs')).toBeNull();
    await store.enter(40, 2, T0 + 60_000);
    expect(await store.liveConcerts()).toContain(40);
    expect(await store.markLive([41, 42])).toBeUndefined();
    expect(await store.liveConcerts()).toEqual(expect.arrayContaining([40, 41, 42]));
  });

  it('never leaves a concert with someone waiting off the live list, however enters and retirements race', async () => {
    const clients = [0, 1, 2].map(() => new Redis(t.url, { keyPrefix: t.prefix }));
    try {
      await Promise.all(clients.map((client) => client.ping())); // connected: nothing waits in an offline queue
      // The entering connection sends each command 0-3 ms late, so retirements land between its commands.
      const entering = clients[1]!;
      const send = entering.sendCommand.bind(entering);
      entering.sendCommand = ((command, stream) => {
        setTimeout(() => send(command, stream), Math.random() * 3);
        return command.promise;
      }) as typeof entering.sendCommand;
      const [a, b, c] = clients.map((client) => new RedisQueueStore(client)) as [
        RedisQueueStore,
        RedisQueueStore,
        RedisQueueStore,
      ];
      const retireDuring = (s: RedisQueueStore, id: number) =>
        new Promise((done) => setTimeout(() => done(s.retireIfIdle(id)), Math.random() * 5));
      // One user enters each empty concert while two tickers each retire it once, at a random moment of the enter.
      const empty = range(1_000, 300);
      await Promise.all(empty.flatMap((id) => [b.enter(id, 1, T0), retireDuring(a, id), retireDuring(c, id)]));
      // A second user enters while the only one there leaves (an enter into a concert with someone in it does not
      // add it to the list itself), and two tickers retire it once each.
      const occupied = range(2_000, 300);
      const firstIn = await Promise.all(occupied.map((id) => store.enter(id, 1, T0)));
      await Promise.all(
        occupied.flatMap((id, i) => [
          b.enter(id, 2, T0),
          store.leave({ concertId: id, userId: 1, seq: (firstIn[i] as { seq: number }).seq }),
          retireDuring(a, id),
          retireDuring(c, id),
        ]),
      );
      const live = new Set(await store.liveConcerts());
      expect([...empty, ...occupied].filter((id) => !live.has(id))).toEqual([]);
    } finally {
      for (const client of clients) client.disconnect();
    }
  });
});
