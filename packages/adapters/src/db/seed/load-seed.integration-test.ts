import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing';
import { DatabaseNotEmptyError, isSeedDatabaseEmpty, loadSeed, type SeedProgress } from './load-seed';
import { STARTING_BALANCE, STARTING_CHARGE_KEY } from './seed-data';
import { DEFAULT_SEED_OPTIONS, type SeedOptions } from './seed-options';

const SMALL: SeedOptions = {
  ...DEFAULT_SEED_OPTIONS,
  users: 37,
  concerts: 7,
  datesPerConcert: 3,
  seatsPerDate: 23,
  sections: 4,
};
const NOW = new Date('2026-11-26T12:34:56Z');

let t: TestDatabase;

async function count(table: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(t.db);
  return Number(rows[0]!.n);
}

beforeAll(async () => {
  t = await createTestDatabase('seed_loader');
});

afterAll(async () => {
  await t?.destroy();
});

describe('loadSeed', () => {
  it('loads exactly the requested data set into an empty database, reporting progress', async () => {
    expect(await isSeedDatabaseEmpty(t.db)).toBe(true);
    const progress: SeedProgress[] = [];
    // Tiny batches: many statements, so the concurrent workers really interleave.
    const summary = await loadSeed(t.db, SMALL, { now: NOW, batchRows: 7, onProgress: (p) => progress.push(p) });

    const schedules = 7 * 3;
    expect(summary).toMatchObject({
      users: 37,
      wallets: 37,
      ledgerEntries: 37,
      concerts: 7,
      schedules,
      sections: schedules * 4,
      seats: schedules * 23,
    });
    expect(await count('users')).toBe(37);
    expect(await count('wallets')).toBe(37);
    expect(await count('wallet_ledger')).toBe(37);
    expect(await count('concerts')).toBe(7);
    expect(await count('schedules')).toBe(schedules);
    expect(await count('sections')).toBe(schedules * 4);
    expect(await count('seats')).toBe(schedules * 23);
    expect(await count('reservations')).toBe(0);

    // Progress only grows and ends at the total.
    expect(progress.length).toBeGreaterThan(10);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.done).toBeGreaterThan(progress[i - 1]!.done);
    expect(progress.at(-1)!.done).toBe(summary.rows);
  });

  it('gives users ids 1..N, each with a wallet whose balance is its ledger sum', async () => {
    const ids = await t.db.selectFrom('users').select('id').orderBy('id').execute();
    expect(ids.map((r) => Number(r.id))).toEqual(Array.from({ length: 37 }, (_, i) => i + 1));
    const mismatched = await sql<{ user_id: number }>`
      SELECT w.user_id FROM wallets w
      LEFT JOIN (SELECT user_id, SUM(amount) AS total FROM wallet_ledger GROUP BY user_id) l ON l.user_id = w.user_id
      WHERE l.total IS NULL OR l.total <> w.balance`.execute(t.db);
    expect(mismatched.rows).toEqual([]);
    const entry = await t.db.selectFrom('wallet_ledger').selectAll().where('user_id', '=', 5).executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      kind: 'CHARGE',
      amount: STARTING_BALANCE,
      balance_after: STARTING_BALANCE,
      idempotency_key: STARTING_CHARGE_KEY,
    });
  });

  it('builds consistent concerts, dates, sections and seats', async () => {
    // first_date / last_date are the concert's earliest and latest date, all in the future.
    const concerts = await sql<{ id: number; ok: number }>`
      SELECT c.id, (c.first_date = MIN(s.starts_at) AND c.last_date = MAX(s.starts_at) AND COUNT(*) = 3) AS ok
      FROM concerts c JOIN schedules s ON s.concert_id = c.id GROUP BY c.id, c.first_date, c.last_date`.execute(t.db);
    expect(concerts.rows.map((r) => Number(r.ok))).toEqual([1, 1, 1, 1, 1, 1, 1]);
    const past = await t.db.selectFrom('schedules').select('id').where('starts_at', '<=', NOW).execute();
    expect(past).toEqual([]);

    // Every date has 4 sections of different prices whose seat counts add up to 23, and every seat lies in a
    // section of its own date.
    const sections = await sql<{ schedule_id: number; n: number; seats: number; prices: number }>`
      SELECT schedule_id, COUNT(*) AS n, SUM(total_seats) AS seats, COUNT(DISTINCT price) AS prices
      FROM sections GROUP BY schedule_id`.execute(t.db);
    expect(sections.rows).toHaveLength(21);
    for (const row of sections.rows) expect([Number(row.n), Number(row.seats), Number(row.prices)]).toEqual([4, 23, 4]);
    const misplaced = await sql<{ id: number }>`
      SELECT st.id FROM seats st LEFT JOIN sections se ON se.id = st.section_id
      WHERE se.id IS NULL OR se.schedule_id <> st.schedule_id`.execute(t.db);
    expect(misplaced.rows).toEqual([]);
    const perSection = await sql<{ ok: number }>`
      SELECT (COUNT(st.id) = se.total_seats) AS ok FROM sections se LEFT JOIN seats st ON st.section_id = se.id
      GROUP BY se.id, se.total_seats`.execute(t.db);
    expect(perSection.rows.every((r) => Number(r.ok) === 1)).toBe(true);
    const duplicates = await sql<{ n: number }>`
      SELECT COUNT(*) AS n FROM seats GROUP BY section_id, row_label, number HAVING n > 1`.execute(t.db);
    expect(duplicates.rows).toEqual([]);
    const available = await t.db.selectFrom('seats').select('id').where('status', '<>', 'AVAILABLE').execute();
    expect(available).toEqual([]);
  });

  it('refuses to load into a non-empty database and leaves it as it was', async () => {
    await expect(loadSeed(t.db, { ...SMALL, users: 5 }, { now: NOW })).rejects.toBeInstanceOf(DatabaseNotEmptyError);
    expect(await count('users')).toBe(37);
    expect(await count('seats')).toBe(21 * 23);
  });

  it('with reset, empties every table (reservations and payments too) and loads the new data set', async () => {
    await t.db
      .insertInto('reservations')
      .values({
        user_id: 1,
        seat_id: 1,
        schedule_id: 1,
        section_id: 1,
        concert_id: 1,
        amount: 1,
        status: 'HELD',
        expires_at: NOW,
      })
      .execute();
    const options = { ...SMALL, users: 4, concerts: 2, datesPerConcert: 2, seatsPerDate: 6, sections: 2, reset: true };
    await loadSeed(t.db, options, { now: NOW });
    expect(await count('users')).toBe(4);
    expect(await count('wallet_ledger')).toBe(4);
    expect(await count('concerts')).toBe(2);
    expect(await count('schedules')).toBe(4);
    expect(await count('sections')).toBe(8);
    expect(await count('seats')).toBe(24);
    expect(await count('reservations')).toBe(0);
  });
});
