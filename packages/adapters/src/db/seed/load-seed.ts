import { sql } from 'kysely';
import type { Database, Db } from '../database';
import { checkRedis, clearDerivedRedisKeys, type DerivedRedis, DerivedRedisError } from './derived-redis';
import {
  concertSpec,
  rowLabel,
  SEATS_PER_ROW,
  STARTING_BALANCE,
  STARTING_CHARGE_KEY,
  sectionLayout,
  sqlDateTime,
  sqlString,
  userName,
} from './seed-data';
import type { SeedOptions } from './seed-options';

/** Every table the seed owns; `--reset` empties all of them (reservations and payments too: they point at seats). */
export const SEED_TABLES = [
  'users',
  'wallets',
  'wallet_ledger',
  'concerts',
  'schedules',
  'sections',
  'seats',
  'reservations',
  'payments',
] as const satisfies ReadonlyArray<keyof Database>;

export type SeedTable = (typeof SEED_TABLES)[number];

export interface SeedProgress {
  readonly table: SeedTable;
  /** Rows written so far, over all tables. */
  readonly done: number;
  readonly total: number;
}

export interface SeedSummary {
  readonly users: number;
  readonly wallets: number;
  readonly ledgerEntries: number;
  readonly concerts: number;
  readonly schedules: number;
  readonly sections: number;
  readonly seats: number;
  readonly rows: number;
  readonly elapsedMs: number;
}

export interface LoadSeedOptions {
  /** Called after each batch lands. */
  readonly onProgress?: (progress: SeedProgress) => void;
  /** Dates are laid out from the UTC midnight of this instant; defaults to now. */
  readonly now?: Date;
  /** Rows per multi-row INSERT. */
  readonly batchRows?: number;
  /** INSERTs in flight at once, each on its own pooled connection (the pool must allow that many). */
  readonly concurrency?: number;
}

export class DatabaseNotEmptyError extends Error {
  override readonly name = 'DatabaseNotEmptyError';
}

/** True when none of the seed's tables has a row. */
export async function isSeedDatabaseEmpty(db: Db): Promise<boolean> {
  for (const table of SEED_TABLES) {
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one FROM ${sql.table(table)} LIMIT 1`.execute(db);
    if (rows.length > 0) return false;
  }
  return true;
}

export async function truncateSeedTables(db: Db): Promise<void> {
  for (const table of SEED_TABLES) await sql`TRUNCATE TABLE ${sql.table(table)}`.execute(db);
}

interface Batch {
  readonly table: SeedTable;
  readonly rows: number;
  readonly sql: string;
}

/**
 * Loads the data set. Memory stays flat whatever the size: INSERT statements are generated lazily, one batch at a
 * time, and at most `concurrency` of them exist at once. Refuses a non-empty database unless `options.reset`.
 */
export async function loadSeed(db: Db, options: SeedOptions, load: LoadSeedOptions = {}): Promise<SeedSummary> {
  const started = performance.now();
  if (options.reset) await truncateSeedTables(db);
  else if (!(await isSeedDatabaseEmpty(db)))
    throw new DatabaseNotEmptyError('the database already holds data: pass --reset to empty it and load again');

  const schedules = options.concerts * options.datesPerConcert;
  const counts = {
    users: options.users,
    wallets: options.users,
    ledgerEntries: options.users,
    concerts: options.concerts,
    schedules,
    sections: schedules * options.sections,
    seats: schedules * options.seatsPerDate,
  };
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const now = load.now ?? new Date();
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

  let done = 0;
  const batches = generateBatches(options, today, load.batchRows ?? 5_000);
  const worker = async () => {
    // Generators are not re-entrant, but `next()` is synchronous, so workers sharing one never interleave inside it.
    for (let next = batches.next(); !next.done; next = batches.next()) {
      const batch = next.value;
      await sql.raw(batch.sql).execute(db);
      done += batch.rows;
      load.onProgress?.({ table: batch.table, done, total });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, load.concurrency ?? 2) }, worker));

  return { ...counts, rows: total, elapsedMs: Math.round(performance.now() - started) };
}

export interface RunSeedOptions extends LoadSeedOptions {
  /** With a reset: where the derived keys to delete live. */
  readonly derived?: DerivedRedis;
  /** Called once the checks passed, just before MySQL is written. */
  readonly onStart?: () => void;
}

export interface SeedRun {
  readonly summary: SeedSummary;
  /** Derived Redis keys deleted; null when nothing was reset (Redis untouched). */
  readonly redisKeysCleared: number | null;
}

/**
 * What `npm run db:seed` runs. With `reset`, Redis is checked before MySQL is emptied (an unreachable Redis then
 * leaves both as they were) and the derived keys are deleted after the load, not before it: a running API keeps
 * filling its caches during the load, from old rows or from half-loaded tables, and only a clear after the last
 * INSERT drops all of those.
 */
export async function runSeed(db: Db, options: SeedOptions, load: RunSeedOptions = {}): Promise<SeedRun> {
  const { derived, onStart, ...loadOptions } = load;
  if (!options.reset) {
    onStart?.();
    return { summary: await loadSeed(db, options, loadOptions), redisKeysCleared: null };
  }
  if (!derived) throw new Error('runSeed: a reset needs the Redis whose derived keys it clears');
  await onRedis('check', () => checkRedis(derived.redis));
  onStart?.();
  const summary = await loadSeed(db, options, loadOptions);
  const redisKeysCleared = await onRedis('clear', () => clearDerivedRedisKeys(derived));
  return { summary, redisKeysCleared };
}

async function onRedis<T>(during: 'check' | 'clear', run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new DerivedRedisError(during, error);
  }
}

function* generateBatches(options: SeedOptions, today: Date, batchRows: number): Generator<Batch> {
  yield* chunked('users', 'INSERT INTO users (id, name) VALUES ', options.users, batchRows, (i) => {
    const id = i + 1;
    return `(${id},${sqlString(userName(id))})`;
  });
  // The opening balance is a CHARGE in the ledger, so a wallet's balance always equals its ledger sum.
  yield* chunked('wallets', 'INSERT INTO wallets (user_id, balance) VALUES ', options.users, batchRows, (i) => {
    return `(${i + 1},${STARTING_BALANCE})`;
  });
  yield* chunked(
    'wallet_ledger',
    'INSERT INTO wallet_ledger (id, user_id, kind, amount, balance_after, idempotency_key, reference) VALUES ',
    options.users,
    batchRows,
    (i) =>
      `(${i + 1},${i + 1},'CHARGE',${STARTING_BALANCE},${STARTING_BALANCE},${sqlString(STARTING_CHARGE_KEY)},'seed')`,
  );

  const { concerts, datesPerConcert, sections, seatsPerDate } = options;
  const concertBatch = Math.max(1, Math.floor(batchRows / Math.max(1, datesPerConcert)));
  yield* chunked(
    'concerts',
    'INSERT INTO concerts (id, title, artist, venue, first_date, last_date) VALUES ',
    concerts,
    concertBatch,
    (c) => {
      const spec = concertSpec(c, datesPerConcert, today);
      const first = sqlString(sqlDateTime(spec.dates[0]!));
      const last = sqlString(sqlDateTime(spec.dates.at(-1)!));
      return `(${spec.id},${sqlString(spec.title)},${sqlString(spec.artist)},${sqlString(spec.venue)},${first},${last})`;
    },
  );
  yield* chunked(
    'schedules',
    'INSERT INTO schedules (id, concert_id, starts_at) VALUES ',
    concerts * datesPerConcert,
    batchRows,
    (s) => {
      const concertIndex = Math.floor(s / datesPerConcert);
      // Recomputing the concert per date is cheap and keeps the generator stateless.
      const date = concertSpec(concertIndex, datesPerConcert, today).dates[s % datesPerConcert]!;
      return `(${s + 1},${concertIndex + 1},${sqlString(sqlDateTime(date))})`;
    },
  );
  yield* chunked(
    'sections',
    'INSERT INTO sections (id, schedule_id, name, price, total_seats) VALUES ',
    concerts * datesPerConcert * sections,
    batchRows,
    (n) => {
      const s = Math.floor(n / sections);
      const k = n % sections;
      const section = sectionLayout(sections, seatsPerDate, Math.floor(s / datesPerConcert))[k]!;
      return `(${n + 1},${s + 1},${sqlString(section.name)},${section.price},${section.seats})`;
    },
  );

  // Seats dominate the load: precompute each seat's (section, row, number) within a date once.
  const layout = sectionLayout(sections, seatsPerDate, 0);
  const seatInDate: { sectionIndex: number; tail: string }[] = [];
  layout.forEach((section, k) => {
    for (let j = 0; j < section.seats; j++) {
      seatInDate.push({
        sectionIndex: k,
        tail: `,'${rowLabel(Math.floor(j / SEATS_PER_ROW))}',${(j % SEATS_PER_ROW) + 1})`,
      });
    }
  });
  yield* chunked(
    'seats',
    'INSERT INTO seats (id, schedule_id, section_id, row_label, number) VALUES ',
    concerts * datesPerConcert * seatsPerDate,
    batchRows,
    (n) => {
      const s = Math.floor(n / seatsPerDate);
      const seat = seatInDate[n % seatsPerDate]!;
      return `(${n + 1},${s + 1},${s * sections + seat.sectionIndex + 1}${seat.tail}`;
    },
  );
}

function* chunked(
  table: SeedTable,
  prefix: string,
  count: number,
  batchRows: number,
  row: (index: number) => string,
): Generator<Batch> {
  for (let start = 0; start < count; start += batchRows) {
    const end = Math.min(count, start + batchRows);
    const values: string[] = new Array(end - start);
    for (let i = start; i < end; i++) values[i - start] = row(i);
    yield { table, rows: end - start, sql: prefix + values.join(',') };
  }
}
