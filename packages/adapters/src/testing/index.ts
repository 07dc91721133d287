import { Redis } from 'ioredis';
import { createDb, type Db } from '../db/database';
import { dropDatabase, ensureDatabase, migrateToLatest } from '../db/migrator';
import { deleteKeysMatching } from '../db/seed';

/** Server part of the test database URL; each test file gets its own database on it, named `concert_test_<name>`. */
const TEST_MYSQL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const TEST_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export interface TestDatabase {
  readonly url: string;
  readonly db: Db;
  destroy(): Promise<void>;
}

/** A fresh, migrated database for one test file. Its name always contains `test`, so dev data is never touched. */
export async function createTestDatabase(name: string): Promise<TestDatabase> {
  const safe = name.replace(/[^A-Za-z0-9_]/g, '_');
  const url = `${TEST_MYSQL}/concert_test_${safe}`;
  await dropDatabase(url);
  await ensureDatabase(url);
  const db = createDb(url, { connectionLimit: 20 });
  await migrateToLatest(db);
  return {
    url,
    db,
    async destroy() {
      await db.destroy();
      await dropDatabase(url);
    },
  };
}

/** Deletes every key under `prefix` (SCAN, not KEYS, so a large Redis is never blocked). */
export async function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<void> {
  const raw = new Redis(redisUrl);
  try {
    await deleteKeysMatching(raw, `${prefix}*`);
  } finally {
    raw.disconnect();
  }
}

export interface TestRedis {
  readonly url: string;
  readonly prefix: string;
  readonly redis: Redis;
  destroy(): Promise<void>;
}

/** A Redis client whose keys all live under `test:<name>:<random>:`, deleted on destroy. */
export async function createTestRedis(name: string): Promise<TestRedis> {
  const prefix = `test:${name}:${Math.random().toString(36).slice(2, 8)}:`;
  const redis = new Redis(TEST_REDIS, { keyPrefix: prefix, maxRetriesPerRequest: 1 });
  return {
    url: TEST_REDIS,
    prefix,
    redis,
    async destroy() {
      await deleteKeysWithPrefix(TEST_REDIS, prefix);
      redis.disconnect();
    },
  };
}

/**
 * A concert with one date and one section of `seats` seats (all in `status`), for tests that need a concert the
 * queue and holds can work with but do not care about the catalog's shape. Returns the ids it created.
 */
export async function insertSmallConcert(
  db: Db,
  options: { title?: string; seats?: number; status?: 'AVAILABLE' | 'HELD' | 'SOLD' } = {},
): Promise<{ concertId: number; scheduleId: number; sectionId: number }> {
  const seats = options.seats ?? 1;
  const concert = await db
    .insertInto('concerts')
    .values({ title: options.title ?? 'Test concert', artist: 'A', venue: 'V', first_date: null, last_date: null })
    .executeTakeFirstOrThrow();
  const concertId = Number(concert.insertId);
  const schedule = await db
    .insertInto('schedules')
    .values({ concert_id: concertId, starts_at: new Date('2027-01-01T19:00:00Z') })
    .executeTakeFirstOrThrow();
  const scheduleId = Number(schedule.insertId);
  const section = await db
    .insertInto('sections')
    .values({ schedule_id: scheduleId, name: 'R', price: 1000, total_seats: seats })
    .executeTakeFirstOrThrow();
  const sectionId = Number(section.insertId);
  await db
    .insertInto('seats')
    .values(
      Array.from({ length: seats }, (_, i) => ({
        schedule_id: scheduleId,
        section_id: sectionId,
        row_label: 'A',
        number: i + 1,
        status: options.status ?? 'AVAILABLE',
        holder_id: null,
        held_until: null,
      })),
    )
    .execute();
  return { concertId, scheduleId, sectionId };
}
