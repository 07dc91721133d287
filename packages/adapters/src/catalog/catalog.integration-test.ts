import {
  type CatalogRepository,
  type ConcertPageQuery,
  createAvailableSeats,
  createCatalogEviction,
  createEvictSection,
  type DomainEvent,
  type EventPublisher,
  systemClock,
} from '@concert/domain';
import { InngestTestEngine } from '@inngest/test';
import { CompiledQuery } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database';
import { createInngest } from '../inngest/client';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../testing';
import { CachingCatalogRepository, catalogKeys } from './caching-catalog.repository';
import {
  availableSeatsQuery,
  concertSchedulesQuery,
  concertsByPrefixQuery,
  concertsPageQuery,
  heldSeatsQuery,
  nextHoldExpiryQuery,
  scheduleRefQuery,
  scheduleSectionsQuery,
  seatStatusCountsQuery,
  seedTrapSeatsQuery,
} from './catalog.queries';
import { createCatalogEvictionFunction } from './catalog-eviction.function';
import { type CatalogFixture, insertCatalogFixture } from './catalog-fixture';
import { KyselyCatalogRepository } from './kysely-catalog.repository';

/** The real repository, counting how often each method reaches MySQL. */
class CountingCatalogRepository implements CatalogRepository {
  calls = { listConcerts: 0, concertDates: 0, scheduleSections: 0, sectionSeats: 0, scheduleRef: 0 };
  /** When set, loads wait for it (to hold a load open across an eviction). */
  gate: Promise<void> | null = null;
  constructor(private readonly inner: CatalogRepository) {}
  get total() {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }
  async listConcerts(q: ConcertPageQuery) {
    this.calls.listConcerts++;
    return this.inner.listConcerts(q);
  }
  async concertDates(id: number, now: Date) {
    this.calls.concertDates++;
    const value = await this.inner.concertDates(id, now);
    await this.gate;
    return value;
  }
  async scheduleSections(id: number, now: Date) {
    this.calls.scheduleSections++;
    const value = await this.inner.scheduleSections(id, now);
    await this.gate;
    return value;
  }
  async sectionSeats(id: number, sections: readonly number[], now: Date) {
    this.calls.sectionSeats++;
    const value = await this.inner.sectionSeats(id, sections, now);
    await this.gate;
    return value;
  }
  async scheduleRef(id: number) {
    this.calls.scheduleRef++;
    return this.inner.scheduleRef(id);
  }
}

const noEvents: EventPublisher = { publish: async () => {} };

let testDb: TestDatabase;
let testRedis: TestRedis;
let db: Db;
let fx: CatalogFixture;
let repo: KyselyCatalogRepository;

beforeAll(async () => {
  testDb = await createTestDatabase('catalog_adapters');
  testRedis = await createTestRedis('catalog_adapters');
  db = testDb.db;
  fx = await insertCatalogFixture(db, new Date());
  repo = new KyselyCatalogRepository(db);
});

afterAll(async () => {
  await testRedis?.destroy();
  await testDb?.destroy();
});

async function setSeat(seatId: number, status: 'AVAILABLE' | 'HELD' | 'SOLD', heldUntil: Date | null = null) {
  await db
    .updateTable('seats')
    .set({ status, held_until: heldUntil, holder_id: status === 'AVAILABLE' ? null : 1 })
    .where('id', '=', seatId)
    .execute();
}

describe('KyselyCatalogRepository', () => {
  it('lists concerts by id with a cursor', async () => {
    const page1 = await repo.listConcerts({ limit: 2 });
    expect(page1.items.map((c) => c.concertId)).toEqual([fx.concertId, fx.rockId]);
    expect(page1.nextCursor).toBe(fx.rockId);
    expect(page1.items[0]).toMatchObject({ title: 'Winter Gala', artist: 'Orchestra', venue: 'Hall' });
    const page2 = await repo.listConcerts({ limit: 2, cursor: page1.nextCursor ?? 0 });
    expect(page2.items.map((c) => c.concertId)).toEqual([fx.jazzId, fx.jazzId + 1]);
    const last = await repo.listConcerts({ limit: 100, cursor: fx.jazzId + 250 });
    expect(last.items).toHaveLength(50);
    expect(last.nextCursor).toBeNull();
  });

  it('filters by a title or artist prefix, case-insensitively, with LIKE wildcards taken literally', async () => {
    const winter = await repo.listConcerts({ limit: 10, q: 'winter' });
    expect(winter.items.map((c) => c.concertId)).toEqual([fx.concertId, fx.rockId]); // title / artist
    const paged = await repo.listConcerts({ limit: 1, q: 'WINTER' });
    expect(paged).toMatchObject({ items: [{ concertId: fx.concertId }], nextCursor: fx.concertId });
    const next = await repo.listConcerts({ limit: 1, q: 'WINTER', cursor: fx.concertId });
    expect(next).toMatchObject({ items: [{ concertId: fx.rockId }], nextCursor: null });
    expect((await repo.listConcerts({ limit: 10, q: 'Rock 100%' })).items).toHaveLength(1);
    expect((await repo.listConcerts({ limit: 10, q: 'Rock 1_0' })).items).toHaveLength(0);
    expect((await repo.listConcerts({ limit: 10, q: '%' })).items).toHaveLength(0);
    expect((await repo.listConcerts({ limit: 100, q: 'Filler 1' })).items).toHaveLength(100); // 1, 10-19, 100-199
  });

  it('gives future dates by start time with available counts, validUntil at the running hold', async () => {
    const dates = await repo.concertDates(fx.concertId, new Date());
    expect(dates).toEqual({
      concertId: fx.concertId,
      dates: [
        { scheduleId: fx.sooner.scheduleId, startsAt: expect.any(Date), availableSeats: 2 },
        // A-1 and A-3 (hold expired) + B-1..3; A-2 is held, A-4 sold.
        { scheduleId: fx.later.scheduleId, startsAt: expect.any(Date), availableSeats: 5 },
      ],
      validUntil: fx.heldUntil,
    });
    expect(await repo.concertDates(fx.rockId, new Date())).toEqual({
      concertId: fx.rockId,
      dates: [],
      validUntil: null,
    });
    expect(await repo.concertDates(999_999, new Date())).toBeNull();
  });

  it('gives sections with available and total seats', async () => {
    const sections = await repo.scheduleSections(fx.later.scheduleId, new Date());
    expect(sections).toEqual({
      scheduleId: fx.later.scheduleId,
      concertId: fx.concertId,
      startsAt: expect.any(Date),
      sections: [
        { sectionId: fx.later.a, name: 'A', price: 100_000, availableSeats: 2, totalSeats: 4 },
        { sectionId: fx.later.b, name: 'B', price: 50_000, availableSeats: 3, totalSeats: 3 },
      ],
      validUntil: fx.heldUntil,
    });
    expect(await repo.scheduleSections(999_999, new Date())).toBeNull();
  });

  it('gives available seats per section: AVAILABLE, or HELD past its deadline', async () => {
    const [a, b] = await repo.sectionSeats(fx.later.scheduleId, [fx.later.a, fx.later.b], new Date());
    expect(a).toEqual({
      scheduleId: fx.later.scheduleId,
      sectionId: fx.later.a,
      seats: [
        { seatId: fx.seats.a1, sectionId: fx.later.a, row: 'A', number: 1, price: 100_000 },
        { seatId: fx.seats.a3, sectionId: fx.later.a, row: 'A', number: 3, price: 100_000 },
      ],
      validUntil: fx.heldUntil,
    });
    expect(b?.seats.map((s) => s.seatId)).toEqual([fx.seats.b1, fx.seats.b2, fx.seats.b3]);
    expect(b?.validUntil).toBeNull();
    expect(await repo.scheduleRef(fx.later.scheduleId)).toEqual({
      scheduleId: fx.later.scheduleId,
      concertId: fx.concertId,
    });
    expect(await repo.scheduleRef(999_999)).toBeNull();
  });
});

interface ExplainRow {
  id: number;
  select_type: string;
  table: string | null;
  type: string | null;
  possible_keys: string | null;
  key: string | null;
  rows: number | string | null;
  Extra: string | null;
}

async function explain(query: { compile(): CompiledQuery }): Promise<ExplainRow[]> {
  const compiled = query.compile();
  const result = await db.executeQuery<ExplainRow>(
    CompiledQuery.raw(`EXPLAIN ${compiled.sql}`, [...compiled.parameters]),
  );
  return result.rows;
}

/** Steps that read a real table (not a derived/union result) without a key, or a whole table or index. */
function scans(plan: ExplainRow[]): ExplainRow[] {
  return plan.filter(
    (r) =>
      r.table !== null &&
      !/^<(derived|union)/.test(r.table) &&
      (r.type === 'ALL' || r.type === 'index' || r.key === null),
  );
}

function keysOf(plan: ExplainRow[]): string[] {
  return plan.map((r) => `${r.table}:${r.key}`);
}

describe('EXPLAIN: every catalog query uses an index', () => {
  const now = () => new Date();

  it('concerts page: PRIMARY range', async () => {
    const plan = await explain(concertsPageQuery(db, 100, 20));
    expect(scans(plan)).toEqual([]);
    expect(plan[0]).toMatchObject({ key: 'PRIMARY', type: 'range' });
  });

  it('concerts by prefix: a UNION of two index range scans joined back by PRIMARY', async () => {
    const plan = await explain(concertsByPrefixQuery(db, 'Filler 1', 0, 20));
    expect(scans(plan)).toEqual([]);
    const keys = keysOf(plan);
    expect(keys).toContain('concerts:concerts_title');
    expect(keys).toContain('concerts:concerts_artist');
    expect(keys).toContain('c:PRIMARY');
    for (const r of plan.filter((p) => p.key === 'concerts_title' || p.key === 'concerts_artist')) {
      expect(r.type).toBe('range');
    }
  });

  it('dates of a concert: PRIMARY + schedules_concert_starts', async () => {
    const plan = await explain(concertSchedulesQuery(db, fx.concertId, now()));
    expect(scans(plan)).toEqual([]);
    expect(keysOf(plan)).toEqual(['c:PRIMARY', 's:schedules_concert_starts']);
  });

  it('sections of a date: PRIMARY + sections_schedule', async () => {
    const plan = await explain(scheduleSectionsQuery(db, fx.later.scheduleId));
    expect(scans(plan)).toEqual([]);
    expect(keysOf(plan)).toEqual(['s:PRIMARY', 'se:sections_schedule']);
  });

  it('seat counts: GROUP BY in index order, covering (no row reads, no temporary table)', async () => {
    const many = Array.from({ length: 10 }, (_, i) => fx.past.scheduleId + 1 + i);
    for (const ids of [[fx.later.scheduleId], many]) {
      const plan = await explain(seatStatusCountsQuery(db, ids));
      expect(scans(plan)).toEqual([]);
      expect(plan[0]?.key).toBe('seats_schedule_section_status');
      expect(plan[0]?.Extra).toMatch(/Using index/);
      expect(plan[0]?.Extra ?? '').not.toMatch(/temporary|filesort/);
    }
  });

  it('held seats and next hold expiry: ranges of the same index', async () => {
    for (const plan of [
      await explain(heldSeatsQuery(db, [fx.later.scheduleId])),
      await explain(nextHoldExpiryQuery(db, fx.later.scheduleId, [fx.later.a, fx.later.b], now())),
    ]) {
      expect(scans(plan)).toEqual([]);
      // Either index narrows to the few HELD rows; MariaDB picks by statistics.
      expect(['seats_schedule_section_status', 'seats_status_held_until']).toContain(plan[0]?.key);
      expect(Number(plan[0]?.rows)).toBeLessThan(100);
    }
  });

  it("available seats: the seed's `a and b or c` written as `a and (b or c)` is an index range, not a scan", async () => {
    const right = await explain(availableSeatsQuery(db, fx.later.scheduleId, [fx.later.a, fx.later.b], now()));
    expect(scans(right)).toEqual([]);
    const st = right.find((r) => r.table === 'st');
    expect(['seats_schedule_section_status', 'seats_section_status']).toContain(st?.key);
    expect(['range', 'ref']).toContain(st?.type);
    expect(Number(st?.rows)).toBeLessThan(100); // the date's rows only, out of ~12,000
    expect(right.find((r) => r.table === 'se')?.key).toBe('PRIMARY');
    // One section and all sections of a date: same index.
    const one = await explain(availableSeatsQuery(db, fx.later.scheduleId, [fx.later.a], now()));
    expect(scans(one)).toEqual([]);
    // The SQL itself carries the parentheses.
    const compiled = availableSeatsQuery(db, 1, [1], now()).compile().sql;
    expect(compiled).toMatch(/and \(`st`\.`status` = \? or \(`st`\.`status` = \? and `st`\.`held_until` <= \?\)\)/);
    // The seed's version: the OR escapes the date filter and MariaDB reads far more than one date's rows.
    const trap = await explain(seedTrapSeatsQuery(db, fx.later.scheduleId, now()));
    expect(scans(trap).length + trap.filter((r) => r.type === 'index_merge').length).toBeGreaterThan(0);
    expect(Number(trap[0]?.rows)).toBeGreaterThan(1_000);
  });

  it('schedule ref: PRIMARY', async () => {
    const plan = await explain(scheduleRefQuery(db, fx.later.scheduleId));
    expect(plan[0]).toMatchObject({ key: 'PRIMARY', type: 'const' });
  });
});

describe('CachingCatalogRepository', () => {
  let counting: CountingCatalogRepository;
  let cached: CachingCatalogRepository;
  /** A second API process: own memory, same Redis. */
  let otherCounting: CountingCatalogRepository;
  let other: CachingCatalogRepository;

  beforeEach(async () => {
    const keys = await testRedis.redis.keys(`${testRedis.prefix}*`);
    if (keys.length) await testRedis.redis.del(...keys.map((k) => k.slice(testRedis.prefix.length)));
    counting = new CountingCatalogRepository(repo);
    cached = new CachingCatalogRepository(counting, testRedis.redis);
    otherCounting = new CountingCatalogRepository(repo);
    other = new CachingCatalogRepository(otherCounting, testRedis.redis);
    // Reset seats the tests below change.
    await setSeat(fx.seats.b1, 'AVAILABLE');
    await setSeat(fx.seats.b2, 'AVAILABLE');
    await setSeat(fx.seats.c1, 'AVAILABLE');
  });

  it('miss loads from MySQL once, then memory hits, then Redis hits in another process', async () => {
    const direct = await repo.scheduleSections(fx.later.scheduleId, new Date());
    const first = await cached.scheduleSections(fx.later.scheduleId, new Date());
    expect(first).toEqual(direct);
    expect(counting.calls.scheduleSections).toBe(1);
    expect(cached.stats).toEqual({ localHits: 0, redisHits: 0, loads: 1 });
    expect(await cached.scheduleSections(fx.later.scheduleId, new Date())).toEqual(direct);
    expect(counting.calls.scheduleSections).toBe(1);
    expect(cached.stats.localHits).toBe(1);
    // The other process has nothing in memory: it reads Redis (validated, dates revived), not MySQL.
    expect(await other.scheduleSections(fx.later.scheduleId, new Date())).toEqual(direct);
    expect(otherCounting.total).toBe(0);
    expect(other.stats.redisHits).toBe(1);
    expect(await testRedis.redis.exists(catalogKeys.sections(fx.later.scheduleId))).toBe(1);
    const ttl = await testRedis.redis.pttl(catalogKeys.sections(fx.later.scheduleId));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(fx.heldUntil.getTime() - Date.now() + 1000); // never outlives the running hold
  });

  it('single flight: 100 concurrent cold reads of one key make ONE MySQL query', async () => {
    const reads = await Promise.all(
      Array.from({ length: 100 }, () => cached.sectionSeats(fx.later.scheduleId, [fx.later.b], new Date())),
    );
    expect(counting.calls.sectionSeats).toBe(1);
    expect(new Set(reads.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(reads[0]?.[0]?.seats).toHaveLength(3);
    // And 100 concurrent cold reads in another process (Redis now warm): no MySQL query at all.
    await Promise.all(
      Array.from({ length: 100 }, () => other.sectionSeats(fx.later.scheduleId, [fx.later.b], new Date())),
    );
    expect(otherCounting.total).toBe(0);
    expect(other.stats.redisHits).toBe(1);
  });

  it('a cold read of every section of a date loads them in ONE repository call; 50 such reads too', async () => {
    const seats = createAvailableSeats({ catalog: cached, clock: systemClock });
    const reads = await Promise.all(Array.from({ length: 50 }, () => seats({ scheduleId: fx.later.scheduleId })));
    expect(reads.every((r) => r.ok && r.value.seats.length === 5)).toBe(true);
    expect(counting.calls).toMatchObject({ scheduleSections: 1, sectionSeats: 1 });
  });

  it('evicts exactly the changed section, its date and its concert; other sections stay warm', async () => {
    const warm = async (r: CachingCatalogRepository) => {
      await r.concertDates(fx.concertId, new Date());
      await r.scheduleSections(fx.later.scheduleId, new Date());
      await r.sectionSeats(fx.later.scheduleId, [fx.later.a, fx.later.b], new Date());
      await r.scheduleSections(fx.sooner.scheduleId, new Date());
      await r.sectionSeats(fx.sooner.scheduleId, [fx.sooner.c], new Date());
    };
    await warm(cached);
    await warm(other);
    expect(otherCounting.total).toBe(0);
    const loadsBefore = counting.total;

    // Process 1 holds B-1 and tells the catalog.
    const heldUntil = new Date(Date.now() + 600_000);
    await setSeat(fx.seats.b1, 'HELD', heldUntil);
    const published: DomainEvent[] = [];
    const eviction = createCatalogEviction({
      cache: cached,
      events: { publish: async (...e) => void published.push(...e) },
    });
    await eviction.onSeatChanged({ scheduleId: fx.later.scheduleId, sectionId: fx.later.b });
    expect(published).toEqual([
      { name: 'catalog/section.changed', data: { scheduleId: fx.later.scheduleId, sectionId: fx.later.b } },
    ]);

    const exists = async (key: string) => (await testRedis.redis.exists(key)) === 1;
    expect(await exists(catalogKeys.seats(fx.later.scheduleId, fx.later.b))).toBe(false);
    expect(await exists(catalogKeys.sections(fx.later.scheduleId))).toBe(false);
    expect(await exists(catalogKeys.dates(fx.concertId))).toBe(false);
    expect(await exists(catalogKeys.seats(fx.later.scheduleId, fx.later.a))).toBe(true);
    expect(await exists(catalogKeys.sections(fx.sooner.scheduleId))).toBe(true);
    expect(await exists(catalogKeys.seats(fx.sooner.scheduleId, fx.sooner.c))).toBe(true);

    // The process that made the change sees it at once.
    const [b] = await cached.sectionSeats(fx.later.scheduleId, [fx.later.b], new Date());
    expect(b?.seats.map((s) => s.seatId)).toEqual([fx.seats.b2, fx.seats.b3]);
    expect((await cached.scheduleSections(fx.later.scheduleId, new Date()))?.sections[1]?.availableSeats).toBe(2);
    expect(
      (await cached.concertDates(fx.concertId, new Date()))?.dates.find((d) => d.scheduleId === fx.later.scheduleId)
        ?.availableSeats,
    ).toBe(4);
    // Its other sections are still served from memory: exactly the three reloads above reached MySQL.
    await cached.sectionSeats(fx.later.scheduleId, [fx.later.a], new Date());
    await cached.sectionSeats(fx.sooner.scheduleId, [fx.sooner.c], new Date());
    expect(counting.total - loadsBefore).toBe(3);

    // Another process: a read made 1 s after the hold no longer shows it (its memory copy has a 1 s TTL).
    await new Promise((r) => setTimeout(r, 1_050));
    const [otherB] = await other.sectionSeats(fx.later.scheduleId, [fx.later.b], new Date());
    expect(otherB?.seats.map((s) => s.seatId)).not.toContain(fx.seats.b1);
    // ...and its reads of the untouched sections come from Redis, not MySQL.
    await other.sectionSeats(fx.later.scheduleId, [fx.later.a], new Date());
    await other.scheduleSections(fx.sooner.scheduleId, new Date());
    await other.sectionSeats(fx.sooner.scheduleId, [fx.sooner.c], new Date());
    expect(otherCounting.total).toBe(0); // B came back from Redis, refilled by process 1
  });

  it('a load that read MySQL before an eviction does not write its stale copy afterwards', async () => {
    let open!: () => void;
    counting.gate = new Promise<void>((r) => {
      open = r;
    });
    const pending = cached.sectionSeats(fx.sooner.scheduleId, [fx.sooner.c], new Date());
    // Let the load read MySQL (C-1 available), then change C-1 and evict while the load is still open.
    await waitFor(() => counting.calls.sectionSeats === 1);
    await new Promise((r) => setTimeout(r, 50));
    await setSeat(fx.seats.c1, 'SOLD');
    await createCatalogEviction({ cache: cached, events: noEvents }).onSeatChanged({
      scheduleId: fx.sooner.scheduleId,
      sectionId: fx.sooner.c,
    });
    open();
    counting.gate = null;
    const [stale] = await pending;
    expect(stale?.seats.map((s) => s.seatId)).toContain(fx.seats.c1); // what it read before the change
    expect(await testRedis.redis.exists(catalogKeys.seats(fx.sooner.scheduleId, fx.sooner.c))).toBe(0);
    const [fresh] = await cached.sectionSeats(fx.sooner.scheduleId, [fx.sooner.c], new Date());
    expect(fresh?.seats.map((s) => s.seatId)).toEqual([fx.seats.c2]);
  });

  it('a cached snapshot is not served past a hold deadline in it: the seat shows up without any eviction', async () => {
    const heldUntil = new Date(Date.now() + 1_500);
    await setSeat(fx.seats.b2, 'HELD', heldUntil);
    const seatsOf = async () =>
      (await cached.sectionSeats(fx.later.scheduleId, [fx.later.b], new Date()))[0]?.seats.map((s) => s.seatId);
    const countOf = async () =>
      (await other.scheduleSections(fx.later.scheduleId, new Date()))?.sections.find((s) => s.sectionId === fx.later.b)
        ?.availableSeats;
    expect(await seatsOf()).not.toContain(fx.seats.b2);
    expect(await countOf()).toBe(2);
    await waitFor(() => Date.now() > heldUntil.getTime() + 10);
    expect(await seatsOf()).toContain(fx.seats.b2);
    expect(await countOf()).toBe(3);
  });

  it('a corrupt Redis value is a miss, not an error', async () => {
    await testRedis.redis.set(catalogKeys.sections(fx.sooner.scheduleId), '{"scheduleId":"nope"}');
    const invalid: string[] = [];
    const strict = new CachingCatalogRepository(counting, testRedis.redis, { onInvalid: (k) => invalid.push(k) });
    const value = await strict.scheduleSections(fx.sooner.scheduleId, new Date());
    expect(value?.sections).toHaveLength(1);
    expect(invalid).toEqual([catalogKeys.sections(fx.sooner.scheduleId)]);
  });

  it('the use case over the cache: all sections of a date, or one', async () => {
    const seats = createAvailableSeats({ catalog: cached, clock: systemClock });
    const all = await seats({ scheduleId: fx.later.scheduleId });
    expect(all.ok && all.value.seats.map((s) => s.seatId)).toEqual([
      fx.seats.a1,
      fx.seats.a3,
      fx.seats.b1,
      fx.seats.b2,
      fx.seats.b3,
    ]);
    const foreign = await seats({ scheduleId: fx.later.scheduleId, sectionId: fx.sooner.c });
    expect(!foreign.ok && foreign.error.code).toBe('SECTION_NOT_FOUND');
  });
});

describe('CachingCatalogRepository: memory copies dropped across processes by pub/sub', () => {
  /** Channels ignore ioredis' keyPrefix, so the test's prefix goes into the name (as the module does). */
  let channel: string;
  const open: CachingCatalogRepository[] = [];

  /** A "process": own memory, own subscriber connection, same Redis and database. */
  function process(options: { localTtlMs?: number; fallbackTtlMs?: number } = {}) {
    const counting = new CountingCatalogRepository(repo);
    const subscriber = testRedis.redis.duplicate({ enableAutoPipelining: false });
    const cached = new CachingCatalogRepository(counting, testRedis.redis, {
      localTtlMs: 60_000,
      ...options,
      channel,
      subscriber,
    });
    open.push(cached);
    return { counting, subscriber, cached };
  }

  const seatsOf = async (r: CachingCatalogRepository, sectionId: number, scheduleId = fx.later.scheduleId) =>
    (await r.sectionSeats(scheduleId, [sectionId], new Date()))[0]?.seats.map((s) => s.seatId);

  beforeEach(async () => {
    channel = `${testRedis.prefix}catalog:evictions`;
    const keys = await testRedis.redis.keys(`${testRedis.prefix}*`);
    if (keys.length) await testRedis.redis.del(...keys.map((k) => k.slice(testRedis.prefix.length)));
    await setSeat(fx.seats.b1, 'AVAILABLE');
  });

  afterEach(() => {
    for (const r of open.splice(0)) r.close();
  });

  it("an eviction in one process drops another's memory copy within ms; its other keys stay in memory", async () => {
    const a = process();
    const b = process();
    await waitFor(() => a.cached.live && b.cached.live, 2_000);
    // b warms its memory: the section that will change, its date, another section, another date.
    expect(await seatsOf(b.cached, fx.later.b)).toContain(fx.seats.b1);
    const sectionB = async () =>
      (await b.cached.scheduleSections(fx.later.scheduleId, new Date()))?.sections.find(
        (s) => s.sectionId === fx.later.b,
      )?.availableSeats;
    expect(await sectionB()).toBe(3);
    await seatsOf(b.cached, fx.later.a);
    await b.cached.scheduleSections(fx.sooner.scheduleId, new Date());
    await seatsOf(b.cached, fx.sooner.c, fx.sooner.scheduleId);
    const loaded = { ...b.counting.calls };
    expect(await seatsOf(b.cached, fx.later.b)).toContain(fx.seats.b1);
    expect(b.cached.stats.localHits).toBe(1);

    // Process a changes B-1 and evicts; b is told nothing directly.
    await setSeat(fx.seats.b1, 'HELD', new Date(Date.now() + 600_000));
    const evictedAt = Date.now();
    await a.cached.evictShared({ scheduleId: fx.later.scheduleId, sectionId: fx.later.b });
    // With a 60 s memory TTL, only the message can make b see the change this soon.
    let seen: number[] | undefined;
    const deadline = Date.now() + 1_000;
    do {
      seen = await seatsOf(b.cached, fx.later.b);
      if (!seen?.includes(fx.seats.b1)) break;
      await new Promise((r) => setTimeout(r, 5));
    } while (Date.now() < deadline);
    expect(seen).toEqual([fx.seats.b2, fx.seats.b3]);
    expect(Date.now() - evictedAt).toBeLessThan(1_000);
    expect(await sectionB()).toBe(2);

    // b's copies of the other section and the other date were not touched: memory hits, no MySQL.
    const hits = b.cached.stats.localHits;
    expect(await seatsOf(b.cached, fx.later.a)).toEqual([fx.seats.a1, fx.seats.a3]);
    await b.cached.scheduleSections(fx.sooner.scheduleId, new Date());
    await seatsOf(b.cached, fx.sooner.c, fx.sooner.scheduleId);
    expect(b.cached.stats.localHits - hits).toBe(3);
    // MySQL saw exactly the two evicted keys again (nobody refilled Redis in between).
    expect(b.counting.calls).toEqual({
      ...loaded,
      sectionSeats: loaded.sectionSeats + 1,
      scheduleSections: loaded.scheduleSections + 1,
    });
  });

  it('while not subscribed the memory TTL falls back to the short one, and memory is cleared on disconnect', async () => {
    const b = process({ fallbackTtlMs: 100 });
    await waitFor(() => b.cached.live, 2_000);
    await seatsOf(b.cached, fx.later.a);
    await new Promise((r) => setTimeout(r, 150));
    await seatsOf(b.cached, fx.later.a);
    expect(b.cached.stats.localHits).toBe(1); // live: the 60 s TTL

    b.subscriber.disconnect();
    await waitFor(() => !b.cached.live, 2_000);
    await seatsOf(b.cached, fx.later.a);
    expect(b.cached.stats).toMatchObject({ localHits: 1, redisHits: 1 }); // its live-era copy was dropped
    await seatsOf(b.cached, fx.later.a);
    expect(b.cached.stats.localHits).toBe(2);
    await new Promise((r) => setTimeout(r, 150));
    await seatsOf(b.cached, fx.later.a);
    expect(b.cached.stats).toMatchObject({ localHits: 2, redisHits: 2 }); // 100 ms fallback TTL
  });

  it('evictions missed while disconnected are not served after re-subscribing: memory is cleared', async () => {
    const a = process();
    // A fallback as long as the live TTL isolates the clear-on-subscribe from the fallback TTL.
    const b = process({ fallbackTtlMs: 60_000 });
    await waitFor(() => a.cached.live && b.cached.live, 2_000);
    b.subscriber.disconnect();
    await waitFor(() => !b.cached.live, 2_000);
    expect(await seatsOf(b.cached, fx.later.b)).toContain(fx.seats.b1);

    await setSeat(fx.seats.b1, 'SOLD');
    await a.cached.evictShared({ scheduleId: fx.later.scheduleId, sectionId: fx.later.b });
    await new Promise((r) => setTimeout(r, 50));
    expect(await seatsOf(b.cached, fx.later.b)).toContain(fx.seats.b1); // the message went unheard

    await b.subscriber.connect();
    await waitFor(() => b.cached.live, 2_000);
    expect(await seatsOf(b.cached, fx.later.b)).toEqual([fx.seats.b2, fx.seats.b3]);
  });

  it('publishes one message per eviction on the full channel name, with the concert of the date', async () => {
    const listener = testRedis.redis.duplicate({ enableAutoPipelining: false });
    try {
      const got: unknown[] = [];
      listener.on('message', (from: string, message: string) => got.push([from, JSON.parse(message)]));
      await listener.subscribe(channel);
      // A publisher without a subscriber (e.g. only running the eviction function) still publishes.
      const a = new CachingCatalogRepository(repo, testRedis.redis, { channel });
      await a.evictShared({ scheduleId: fx.later.scheduleId, sectionId: fx.later.a });
      await waitFor(() => got.length > 0, 1_000);
      expect(got).toEqual([
        [channel, { scheduleId: fx.later.scheduleId, sectionId: fx.later.a, concertId: fx.concertId }],
      ]);
    } finally {
      listener.disconnect();
    }
  });
});

describe('catalog/section.changed function', () => {
  it('evicts each changed section of a batch once, with its date and its concert, from Redis', async () => {
    const counting = new CountingCatalogRepository(repo);
    const cached = new CachingCatalogRepository(counting, testRedis.redis);
    await cached.concertDates(fx.concertId, new Date());
    await cached.scheduleSections(fx.later.scheduleId, new Date());
    await cached.sectionSeats(fx.later.scheduleId, [fx.later.a, fx.later.b], new Date());
    const fn = createCatalogEvictionFunction(
      createInngest({ mode: 'local' }),
      createEvictSection({ cache: new CachingCatalogRepository(repo, testRedis.redis) }),
    );
    const engine = new InngestTestEngine({ function: fn });
    const changed = {
      name: 'catalog/section.changed',
      data: { scheduleId: fx.later.scheduleId, sectionId: fx.later.a },
    };
    const { result, error } = await engine.execute({ events: [changed, changed, changed] });
    expect(error).toBeUndefined();
    expect(result).toEqual({ evicted: 1, events: 3 });
    expect(fn.opts).toMatchObject({ batchEvents: { maxSize: 200, timeout: '1s' } });
    const exists = async (key: string) => (await testRedis.redis.exists(key)) === 1;
    expect(await exists(catalogKeys.seats(fx.later.scheduleId, fx.later.a))).toBe(false);
    expect(await exists(catalogKeys.sections(fx.later.scheduleId))).toBe(false);
    expect(await exists(catalogKeys.dates(fx.concertId))).toBe(false);
    expect(await exists(catalogKeys.seats(fx.later.scheduleId, fx.later.b))).toBe(true);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
