// Every hot query must use an index. The seed's worst bug was `a AND b OR c` on the seats table: a full scan of
// 500,000 rows on each seat-map read. This test runs EXPLAIN on each hot query against a data set large enough that
// the optimizer has no excuse to scan, and fails on any full table scan (type=ALL), full index scan
// (type=index) or missing key.
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import type { Db } from './database';
import { loadSeed } from './seed/load-seed';
import { DEFAULT_SEED_OPTIONS, type SeedOptions } from './seed/seed-options';

interface ExplainRow {
  table: string | null;
  type: string | null;
  key: string | null;
  rows: number | string | null;
  Extra: string | null;
}

const SEED: SeedOptions = {
  ...DEFAULT_SEED_OPTIONS,
  users: 2_000,
  concerts: 50,
  datesPerConcert: 4, // 200 schedules
  seatsPerDate: 50,
  sections: 5, // 10,000 seats
};
const NOW = new Date('2026-11-26T00:00:00Z');
const RESERVATIONS = 4_000;

async function explain(db: Db, query: string, parameters: readonly unknown[]): Promise<ExplainRow[]> {
  const result = await db.executeQuery<ExplainRow>(CompiledQuery.raw(`EXPLAIN ${query}`, [...parameters]));
  return result.rows;
}

/** Plan steps that read a whole table or a whole index, or read a table without any key. */
function scans(plan: ExplainRow[]): ExplainRow[] {
  return plan.filter((row) => row.table !== null && (row.type === 'ALL' || row.type === 'index' || row.key === null));
}

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase('schema_explain');
  const { db } = testDb;
  await loadSeed(db, SEED, { now: NOW, batchRows: 2_000 });

  // Holds and sales spread over users, dates and seats, so reservations, payments and seat statuses are not
  // uniform: seat n of every 10th is HELD (half of them already past their deadline), reservations point at them.
  const held = new Date(NOW.getTime() + 5 * 60_000);
  const past = new Date(NOW.getTime() - 5 * 60_000);
  await sql`UPDATE seats SET status = 'HELD', holder_id = 1 + (id % ${SEED.users}),
              held_until = IF(id % 20 = 0, ${past}, ${held}) WHERE id % 10 = 0`.execute(db);
  await sql`UPDATE seats SET status = 'SOLD', holder_id = 1 + (id % ${SEED.users}) WHERE id % 10 = 1`.execute(db);
  const statuses = ['HELD', 'CONFIRMED', 'RELEASED', 'EXPIRED'] as const;
  const seatsTotal = SEED.concerts * SEED.datesPerConcert * SEED.seatsPerDate;
  const reservations = Array.from({ length: RESERVATIONS }, (_, i) => {
    const seatId = ((i * 7) % seatsTotal) + 1;
    const scheduleId = Math.ceil(seatId / SEED.seatsPerDate);
    return {
      id: i + 1,
      user_id: (i % SEED.users) + 1,
      seat_id: seatId,
      schedule_id: scheduleId,
      section_id: (scheduleId - 1) * SEED.sections + 1,
      concert_id: Math.ceil(scheduleId / SEED.datesPerConcert),
      amount: 99_000,
      status: statuses[i % statuses.length]!,
      expires_at: i % 2 === 0 ? past : held,
    };
  });
  for (let i = 0; i < reservations.length; i += 1_000)
    await db
      .insertInto('reservations')
      .values(reservations.slice(i, i + 1_000))
      .execute();
  const payments = reservations.map((r) => ({
    id: r.id,
    reservation_id: r.id,
    user_id: r.user_id,
    amount: r.amount,
    status: (['PENDING', 'COMPLETED', 'FAILED'] as const)[r.id % 3]!,
    idempotency_key: `pay-key-${r.id}`,
    step: 'CREATED',
  }));
  for (let i = 0; i < payments.length; i += 1_000)
    await db
      .insertInto('payments')
      .values(payments.slice(i, i + 1_000))
      .execute();
  // Fresh statistics, as a long-running database would have.
  for (const table of ['seats', 'sections', 'schedules', 'concerts', 'reservations', 'payments', 'wallet_ledger'])
    await sql`ANALYZE TABLE ${sql.table(table)}`.execute(db);
}, 180_000);

afterAll(async () => {
  await testDb?.destroy();
});

const HOT_QUERIES: ReadonlyArray<{ name: string; query: string; params: readonly unknown[] }> = [
  {
    name: 'available seats of one section of a date (seat map, one section)',
    query: `SELECT id, row_label, number FROM seats WHERE schedule_id = ? AND section_id = ? AND status = 'AVAILABLE'`,
    params: [17, 17 * 5 - 2],
  },
  {
    name: 'available seats of a date',
    query: `SELECT id, section_id, row_label, number FROM seats WHERE schedule_id = ? AND status = 'AVAILABLE'`,
    params: [42],
  },
  {
    name: 'available seats per section of a date',
    query: `SELECT section_id, COUNT(*) AS n FROM seats WHERE schedule_id = ? AND status = 'AVAILABLE' GROUP BY section_id`,
    params: [42],
  },
  {
    name: 'concert list page (keyset by id)',
    query: 'SELECT id, title FROM concerts WHERE id > ? ORDER BY id LIMIT 21',
    params: [20],
  },
  {
    name: 'concert search by title prefix',
    query: 'SELECT id, title FROM concerts WHERE title LIKE ? ORDER BY title, id LIMIT 21',
    params: ['Midnight%'],
  },
  {
    name: 'dates of a concert',
    query: 'SELECT id, starts_at FROM schedules WHERE concert_id = ? ORDER BY starts_at',
    params: [7],
  },
  {
    name: 'available seats per date of a concert (dates with counts)',
    query: `SELECT s.id, s.starts_at, COUNT(st.id) AS available FROM schedules s
            LEFT JOIN seats st ON st.schedule_id = s.id AND st.status = 'AVAILABLE'
            WHERE s.concert_id = ? GROUP BY s.id, s.starts_at`,
    params: [7],
  },
  {
    name: 'sections of a date',
    query: 'SELECT id, name, price, total_seats FROM sections WHERE schedule_id = ?',
    params: [99],
  },
  {
    name: 'one seat by id (hold)',
    query: 'SELECT id, status, version FROM seats WHERE id = ?',
    params: [1234],
  },
  {
    name: 'reservations of a user',
    query: 'SELECT id, status FROM reservations WHERE user_id = ?',
    params: [13],
  },
  {
    name: 'reservations of a user by status',
    query: `SELECT id FROM reservations WHERE user_id = ? AND status = 'HELD'`,
    params: [13],
  },
  {
    name: 'holds of a user on a date (hold limit)',
    query: `SELECT COUNT(*) FROM reservations WHERE user_id = ? AND schedule_id = ? AND status = 'HELD'`,
    params: [13, 2],
  },
  {
    name: 'live reservation of a seat',
    query: 'SELECT id FROM reservations WHERE active_seat_id = ?',
    params: [8],
  },
  {
    name: 'payments of a reservation',
    query: 'SELECT id, status FROM payments WHERE reservation_id = ?',
    params: [77],
  },
  {
    name: 'payment by idempotency key',
    query: 'SELECT id FROM payments WHERE user_id = ? AND idempotency_key = ?',
    params: [77, 'pay-key-77'],
  },
  {
    name: 'wallet ledger entry by idempotency key',
    query: 'SELECT id, amount FROM wallet_ledger WHERE user_id = ? AND idempotency_key = ?',
    params: [5, 'seed:opening-balance'],
  },
  {
    name: 'expiry sweep over seats',
    query: `SELECT id FROM seats WHERE status = 'HELD' AND held_until < ?`,
    params: [NOW],
  },
  {
    name: 'expiry sweep over reservations',
    query: `SELECT id FROM reservations WHERE status = 'HELD' AND expires_at < ? LIMIT 100`,
    params: [NOW],
  },
  {
    name: 'payment reconciler (stuck PENDING payments)',
    query: `SELECT id FROM payments WHERE status = 'PENDING' AND updated_at < ? LIMIT 100`,
    params: [NOW],
  },
  {
    name: "the seed's trap, written correctly: schedule_id = ? AND (held_until IS NULL OR held_until < ?)",
    query: 'SELECT id FROM seats WHERE schedule_id = ? AND (held_until IS NULL OR held_until < ?)',
    params: [42, NOW],
  },
];

describe('hot queries use an index', () => {
  it.each(HOT_QUERIES)('$name', async ({ query, params }) => {
    const plan = await explain(testDb.db, query, params);
    expect(plan.length).toBeGreaterThan(0);
    expect(scans(plan), JSON.stringify(plan)).toEqual([]);
  });

  it("the seed's trap as written, `schedule_id = ? AND held_until IS NULL OR held_until < ?`, scans the table", async () => {
    // AND binds tighter than OR: the second disjunct has no schedule filter, so no index can serve it.
    const bad = await explain(
      testDb.db,
      'SELECT id FROM seats WHERE schedule_id = ? AND held_until IS NULL OR held_until < ?',
      [42, NOW],
    );
    const good = await explain(
      testDb.db,
      'SELECT id FROM seats WHERE schedule_id = ? AND (held_until IS NULL OR held_until < ?)',
      [42, NOW],
    );
    expect(bad.some((row) => row.type === 'ALL')).toBe(true);
    expect(Number(bad[0]!.rows)).toBeGreaterThan(Number(good[0]!.rows) * 10);
  });
});
