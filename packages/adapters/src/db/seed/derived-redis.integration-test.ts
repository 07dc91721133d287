// `db:seed --reset` against real MySQL and Redis: the catalog and queue state the API derived from the old rows
// is written by the real adapters, then must be gone after the reset, while other prefixes and the runner's keys stay.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CachingCatalogRepository, catalogKeys } from '../../catalog/caching-catalog.repository';
import { KyselyCatalogRepository } from '../../catalog/kysely-catalog.repository';
import { queueKeys, RedisQueueStore } from '../../queue/redis-queue-store';
import {
  createTestDatabase,
  createTestRedis,
  deleteKeysWithPrefix,
  type TestDatabase,
  type TestRedis,
} from '../../testing';
import { clearDerivedRedisKeys, createSeedRedis, DerivedRedisError } from './derived-redis';
import { loadSeed, runSeed, truncateSeedTables } from './load-seed';
import { DEFAULT_SEED_OPTIONS, type SeedOptions } from './seed-options';

const OLD: SeedOptions = {
  ...DEFAULT_SEED_OPTIONS,
  users: 6,
  concerts: 2,
  datesPerConcert: 3,
  seatsPerDate: 8,
  sections: 2,
};
// A different shape, so a stale copy of the old data would be told apart from a fresh read.
const NEW: SeedOptions = { ...OLD, users: 4, datesPerConcert: 2, reset: true };
const NOW = new Date();

let t: TestDatabase;
let tr: TestRedis;
/** Same key families under a prefix of another deployment: must survive. */
let other: TestRedis;
/** What the CLI uses: no keyPrefix, so SCAN's full names can be deleted as they are. */
let raw: Redis;

/** Every key under our prefix, full names: SCAN to the end (one call may return only part of the matches). */
async function keysUnderPrefix(): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, page] = await raw.scan(cursor, 'MATCH', `${tr.prefix}*`, 'COUNT', 1_000);
    cursor = next;
    keys.push(...page);
  } while (cursor !== '0');
  return keys.sort();
}

/** Fills the catalog cache and a waiting room through the real adapters, as a running API does. */
async function deriveState(): Promise<string[]> {
  const catalog = new CachingCatalogRepository(new KyselyCatalogRepository(t.db), tr.redis, { localTtlMs: 0 });
  const dates = await catalog.concertDates(1, NOW);
  expect(dates?.dates).toHaveLength(3);
  await catalog.scheduleSections(1, NOW);
  await catalog.sectionSeats(1, [1], NOW);
  const queue = new RedisQueueStore(tr.redis);
  await queue.enter(1, 5, Date.now());
  await queue.enter(1, 6, Date.now());
  const written = [catalogKeys.dates(1), catalogKeys.sections(1), catalogKeys.seats(1, 1), ...queueKeys(1)];
  const present: string[] = [];
  for (const key of written) if ((await tr.redis.exists(key)) === 1) present.push(key);
  return present;
}

beforeAll(async () => {
  [t, tr, other] = await Promise.all([
    createTestDatabase('seed_derived_redis'),
    createTestRedis('seed_reset'),
    createTestRedis('seed_reset_other'),
  ]);
  raw = new Redis(tr.url, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  raw?.disconnect();
  await Promise.all([t?.destroy(), tr?.destroy(), other?.destroy()]);
});

beforeEach(async () => {
  await truncateSeedTables(t.db);
  await loadSeed(t.db, OLD, { now: NOW });
  await Promise.all([deleteKeysWithPrefix(tr.url, tr.prefix), deleteKeysWithPrefix(other.url, other.prefix)]);
});

describe('runSeed with --reset', { timeout: 60_000 }, () => {
  it('deletes the catalog and queue keys under the prefix, keeps other prefixes, the concert lists and wf:*', async () => {
    const derived = await deriveState();
    // The catalog's three copies and the queue's line, passes, deadlines, buckets and counter really exist.
    expect(derived).toEqual(
      expect.arrayContaining([catalogKeys.dates(1), catalogKeys.sections(1), catalogKeys.seats(1, 1)]),
    );
    expect(derived.filter((k) => k.startsWith('{q:1}')).length).toBeGreaterThanOrEqual(5);
    const versions = [catalogKeys.concertVersion(9), catalogKeys.scheduleVersion(9)];
    for (const key of versions) await tr.redis.set(key, '3');
    await tr.redis.xadd('wf:events', '*', 'name', 'reservation/seat.held');
    await other.redis.set(catalogKeys.dates(1), 'other deployment');
    await other.redis.set(queueKeys(1)[0]!, 'other deployment');
    const before = (await keysUnderPrefix()).length;

    const run = await runSeed(t.db, NEW, { now: NOW, derived: { redis: raw, prefix: tr.prefix } });

    expect(run.redisKeysCleared).toBe(derived.length + versions.length);
    for (const key of [...derived, ...versions]) expect(await tr.redis.exists(key), key).toBe(0);
    // Only q:concerts, q:live and wf:events are left of our prefix.
    const left = await keysUnderPrefix();
    expect(left).toEqual([`${tr.prefix}q:concerts`, `${tr.prefix}q:live`, `${tr.prefix}wf:events`]);
    expect(before - left.length).toBe(run.redisKeysCleared);
    expect(await tr.redis.smembers('q:concerts')).toEqual(['1']);
    expect(await tr.redis.xlen('wf:events')).toBe(1);
    expect(await other.redis.get(catalogKeys.dates(1))).toBe('other deployment');
    expect(await other.redis.get(queueKeys(1)[0]!)).toBe('other deployment');

    // What a running API reads next: the new data set (two dates, not the three cached), and an empty line.
    expect(run.summary.users).toBe(4);
    const fresh = new CachingCatalogRepository(new KyselyCatalogRepository(t.db), tr.redis, { localTtlMs: 0 });
    expect((await fresh.concertDates(1, NOW))?.dates).toHaveLength(2);
    expect(await new RedisQueueStore(tr.redis).snapshot(1)).toMatchObject({ waiting: 0, active: 0 });
  });

  it('fails before emptying MySQL when Redis is unreachable', async () => {
    const dead = createSeedRedis('redis://127.0.0.1:1/0');
    try {
      const error = await runSeed(t.db, NEW, { now: NOW, derived: { redis: dead, prefix: tr.prefix } }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DerivedRedisError);
      expect((error as DerivedRedisError).during).toBe('check');
      expect(((error as DerivedRedisError).cause as { code?: string }).code).toBe('ECONNREFUSED');
    } finally {
      dead.disconnect();
    }
    // The old data set is still there.
    expect(await t.db.selectFrom('users').select('id').execute()).toHaveLength(OLD.users);
  });

  it('refuses a reset without a Redis to clear', async () => {
    await expect(runSeed(t.db, NEW, { now: NOW })).rejects.toThrow(/needs the Redis/);
    expect(await t.db.selectFrom('users').select('id').execute()).toHaveLength(OLD.users);
  });
});

describe('runSeed without --reset', () => {
  it('leaves Redis untouched', async () => {
    const derived = await deriveState();
    expect(derived.length).toBeGreaterThan(5);
    await truncateSeedTables(t.db);
    const run = await runSeed(t.db, { ...NEW, reset: false }, { now: NOW, derived: { redis: raw, prefix: tr.prefix } });
    expect(run.redisKeysCleared).toBeNull();
    expect(run.summary.users).toBe(4);
    for (const key of derived) expect(await tr.redis.exists(key), key).toBe(1);
  });
});

describe('clearDerivedRedisKeys', () => {
  it('matches glob characters in the prefix literally', async () => {
    const prefix = `${tr.prefix}glob?[x]*:`;
    await raw.set(`${prefix}catalog:{c:1}:dates`, '1');
    // Would match if `?`, `[x]` and `*` were read as patterns.
    await raw.set(`${tr.prefix}globAx-anything:catalog:{c:1}:dates`, '1');
    expect(await clearDerivedRedisKeys({ redis: raw, prefix })).toBe(1);
    expect(await raw.exists(`${prefix}catalog:{c:1}:dates`)).toBe(0);
    expect(await raw.exists(`${tr.prefix}globAx-anything:catalog:{c:1}:dates`)).toBe(1);
  });

  it('refuses a client with a keyPrefix, whose DEL would prefix the scanned names twice', async () => {
    await expect(clearDerivedRedisKeys({ redis: tr.redis, prefix: tr.prefix })).rejects.toThrow(/keyPrefix/);
  });
});
