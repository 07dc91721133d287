/**
 * Database side of the e2e stack, run with tsx by the Playwright global setup (it needs the workspace's TS
 * packages): `prepare <name>` creates, migrates and seeds `concert_test_<name>` and prints its URL;
 * `cleanup <name> <redisPrefix>` drops it and deletes the API's Redis keys.
 */
import { createTestDatabase, deleteKeysWithPrefix } from '@concert/adapters/testing';
import { sql } from 'kysely';
import {
  DATES_PER_CONCERT,
  E2E_STARTING_BALANCE,
  E2E_USERS,
  FILLER_CONCERTS,
  NAMED_CONCERTS,
  SEATS_PER_ROW,
  SECTIONS,
} from './fixtures';

type TestDb = Awaited<ReturnType<typeof createTestDatabase>>;

async function seed(t: TestDb): Promise<void> {
  const { db } = t;
  await db
    .insertInto('users')
    .values(Array.from({ length: E2E_USERS }, (_, i) => ({ id: i + 1, name: `E2E user ${i + 1}` })))
    .execute();
  await db
    .insertInto('wallets')
    .values(Array.from({ length: E2E_USERS }, (_, i) => ({ user_id: i + 1, balance: E2E_STARTING_BALANCE })))
    .execute();
  // The balance is a cache of the ledger sum: every starting balance has its CHARGE entry.
  await db
    .insertInto('wallet_ledger')
    .values(
      Array.from({ length: E2E_USERS }, (_, i) => ({
        user_id: i + 1,
        kind: 'CHARGE' as const,
        amount: E2E_STARTING_BALANCE,
        balance_after: E2E_STARTING_BALANCE,
        idempotency_key: 'e2e-starting-balance',
        reference: 'seed',
      })),
    )
    .execute();

  const day = 24 * 3600 * 1000;
  const base = Date.UTC(new Date().getUTCFullYear() + 1, 2, 1, 19, 0, 0);
  const concerts = [
    ...NAMED_CONCERTS,
    ...Array.from({ length: FILLER_CONCERTS }, (_, i) => ({
      title: `Filler Concert ${String(i + 1).padStart(2, '0')}`,
      artist: `Session Band ${i + 1}`,
      venue: 'Small Hall',
    })),
  ];
  for (const [index, concert] of concerts.entries()) {
    const concertId = index + 1;
    const dates = Array.from({ length: DATES_PER_CONCERT }, (_, d) => new Date(base + (index * 7 + d) * day));
    await db
      .insertInto('concerts')
      .values({ id: concertId, ...concert, first_date: dates[0]!, last_date: dates.at(-1)! })
      .execute();
    for (const startsAt of dates) {
      const schedule = await db
        .insertInto('schedules')
        .values({ concert_id: concertId, starts_at: startsAt })
        .executeTakeFirstOrThrow();
      const scheduleId = Number(schedule.insertId);
      for (const section of SECTIONS) {
        const inserted = await db
          .insertInto('sections')
          .values({
            schedule_id: scheduleId,
            name: section.name,
            price: section.price,
            total_seats: section.rows.length * SEATS_PER_ROW,
          })
          .executeTakeFirstOrThrow();
        const sectionId = Number(inserted.insertId);
        await db
          .insertInto('seats')
          .values(
            section.rows.flatMap((row) =>
              Array.from({ length: SEATS_PER_ROW }, (_, n) => ({
                schedule_id: scheduleId,
                section_id: sectionId,
                row_label: row,
                status: 'AVAILABLE' as const,
                number: n + 1,
              })),
            ),
          )
          .execute();
      }
    }
  }
}

async function prepare(name: string): Promise<void> {
  const t = await createTestDatabase(name);
  try {
    await seed(t);
    const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM seats`.execute(t.db);
    console.error(`e2e database ${t.url}: ${rows[0]?.n} seats`);
    process.stdout.write(`${JSON.stringify({ url: t.url })}\n`);
  } finally {
    // Close the pool only: the database stays for the API until `cleanup`.
    await t.db.destroy();
  }
}

async function cleanup(name: string, redisPrefix: string): Promise<void> {
  const t = await createTestDatabase(name); // cheap on an empty schema; gives us a handle that can drop it
  await t.destroy();
  if (redisPrefix.startsWith('test:')) {
    await deleteKeysWithPrefix(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0', redisPrefix);
  }
}

const [command, name, prefix] = process.argv.slice(2);
const run =
  command === 'prepare' && name
    ? prepare(name)
    : command === 'cleanup' && name
      ? cleanup(name, prefix ?? '')
      : Promise.reject(new Error('usage: stack.ts prepare <name> | cleanup <name> <redisPrefix>'));
run.then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
