/**
 * `npx tsx apps/api/test/payment/payment.bench.ts`: the payment saga end to end through the real HTTP stack and
 * the local workflow runner.
 *
 * 1. A fresh migrated database `concert_test_bench_payment`, a Redis prefix of its own, one API process
 *    (apps/api/test/api-harness.ts, INNGEST_MODE=local, simulated gateway at PAYMENT_GATEWAY_LATENCY_MS).
 * 2. BENCH_USERS (default 200) users each sign in, get an ACTIVE pass, charge their wallet and hold one seat.
 * 3. BENCH_SEQUENTIAL (default 20) pay one at a time, each awaited to COMPLETED (unloaded latency); then all
 *    the others call payment.pay at once (a burst). Measured: the pay request's latency (it only records the
 *    payment), and per payment the time from its row's `created_at` to `completed_at` (MySQL clock), i.e. how
 *    long the saga took through the runner under that burst.
 * 4. Checks: every payment COMPLETED, one DEBIT per payment, balances == ledger sums.
 */
import { loadavg } from 'node:os';
import { createTestDatabase, createTestRedis } from '@concert/adapters/testing';
import { sql } from 'kysely';
import { startApi } from '../api-harness';
import { seedFixture } from '../reservation/fixture';
import { pollUntil, signInWithActivePass, trpc } from '../reservation/trpc-http';

const USERS = Number(process.env.BENCH_USERS ?? 200);
const LATENCY = process.env.PAYMENT_GATEWAY_LATENCY_MS ?? '50';
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 20);

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const summary = (values: number[]) =>
  `p50 ${pct(values, 50).toFixed(0)} ms, p95 ${pct(values, 95).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms`;

async function main() {
  const [tdb, tredis] = await Promise.all([createTestDatabase('bench_payment'), createTestRedis('bench_payment')]);
  const fixture = await seedFixture(tdb.db, { users: USERS, concerts: 1, seatsPerSection: Math.ceil(USERS / 2) });
  const schedule = fixture.schedules[0];
  if (!schedule) throw new Error('no schedule');
  const api = await startApi({
    DATABASE_URL: tdb.url,
    REDIS_URL: tredis.url,
    REDIS_PREFIX: tredis.prefix,
    AUTH_SECRET: 'bench-payment-secret-0123456789abcdef0123456789',
    INNGEST_MODE: 'local',
    QUEUE_TICK_MS: '100',
    QUEUE_MAX_ACTIVE: String(USERS * 2),
    QUEUE_ADMIT_PER_TICK: String(USERS * 2),
    PAYMENT_GATEWAY_LATENCY_MS: LATENCY,
  });
  try {
    const users = Array.from({ length: USERS }, (_, i) => i + 1);
    const prepared: Array<{ s: { session: string; queueToken: string }; reservationId: number }> = [];
    for (let i = 0; i < users.length; i += 25) {
      const batch = users.slice(i, i + 25);
      prepared.push(
        ...(await Promise.all(
          batch.map(async (userId, j) => {
            const s = await signInWithActivePass(api.url, userId, schedule.concertId);
            await trpc(
              api.url,
              'mutation',
              'wallet.charge',
              { amount: 1_000_000, idempotencyKey: `bench-fund-${userId}` },
              s,
            );
            const seatId = schedule.seatIds[i + j];
            const held = await trpc<{ reservationId: number }>(api.url, 'mutation', 'reservation.hold', { seatId }, s);
            if (!held.data) throw new Error(`hold: ${JSON.stringify(held.error)}`);
            return { s, reservationId: held.data.reservationId };
          }),
        )),
      );
    }
    console.log(`prepared ${prepared.length} users with a pass, a wallet and a hold; load ${loadavg()[0]?.toFixed(2)}`);

    // Unloaded figures first: SEQUENTIAL payments one after the other, each waited for to its end.
    const sequential = prepared.slice(0, SEQUENTIAL);
    const seqPay: number[] = [];
    const seqEnd: number[] = [];
    for (const { s, reservationId } of sequential) {
      const t0 = performance.now();
      const r = await trpc<{ paymentId: number }>(
        api.url,
        'mutation',
        'payment.pay',
        { reservationId, idempotencyKey: `bench-pay-${reservationId}` },
        s,
      );
      seqPay.push(performance.now() - t0);
      const paymentId = r.data?.paymentId ?? 0;
      await pollUntil(
        `payment ${paymentId}`,
        async () => {
          const st = await trpc<{ status: string }>(api.url, 'query', 'payment.status', { paymentId }, s);
          return st.data?.status === 'COMPLETED';
        },
        60_000,
        10,
      );
      seqEnd.push(performance.now() - t0);
    }

    const started = performance.now();
    const replies = await Promise.all(
      prepared.slice(SEQUENTIAL).map(async ({ s, reservationId }) => {
        const t0 = performance.now();
        const r = await trpc<{ paymentId: number; status: string }>(
          api.url,
          'mutation',
          'payment.pay',
          { reservationId, idempotencyKey: `bench-pay-${reservationId}` },
          s,
        );
        return { ms: performance.now() - t0, ok: r.data?.status === 'PENDING' };
      }),
    );
    const payWall = performance.now() - started;
    if (replies.some((r) => !r.ok)) throw new Error(`${replies.filter((r) => !r.ok).length} pay requests failed`);
    await pollUntil(
      'every payment to end',
      async () => {
        const row = await tdb.db
          .selectFrom('payments')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'PENDING')
          .executeTakeFirstOrThrow();
        return Number(row.n) === 0;
      },
      600_000,
      200,
    );
    const allDone = performance.now() - started;
    const rows = await tdb.db.selectFrom('payments').select(['status', 'created_at', 'completed_at']).execute();
    const sagaMs = rows
      .filter((r) => r.completed_at)
      .map((r) => (r.completed_at as Date).getTime() - r.created_at.getTime());
    const completed = rows.filter((r) => r.status === 'COMPLETED').length;
    const { rows: check } = await sql<{ bad: number; debits: number }>`
      SELECT
        (SELECT COUNT(*) FROM wallets w WHERE w.balance <> (SELECT COALESCE(SUM(CASE kind WHEN 'DEBIT' THEN -amount ELSE amount END), 0)
           FROM wallet_ledger l WHERE l.user_id = w.user_id)) AS bad,
        (SELECT COUNT(*) FROM wallet_ledger WHERE kind = 'DEBIT') AS debits`.execute(tdb.db);
    console.log(`gateway latency ${LATENCY} ms`);
    console.log(
      `${SEQUENTIAL} payments one at a time: pay request ${summary(seqPay)}; pay -> COMPLETED seen by polling every 10 ms: ${summary(seqEnd)}`,
    );
    console.log(`then ${USERS - SEQUENTIAL} payments in one burst:`);
    console.log(`payment.pay request: ${summary(replies.map((r) => r.ms))} (burst sent in ${payWall.toFixed(0)} ms)`);
    console.log(`created -> COMPLETED through the runner: ${summary(sagaMs)}`);
    console.log(
      `all ${USERS - SEQUENTIAL} ended after ${(allDone / 1000).toFixed(1)} s; COMPLETED ${completed}/${rows.length}`,
    );
    console.log(
      `DEBIT rows ${check[0]?.debits}; wallets whose balance != ledger sum: ${check[0]?.bad}; load ${loadavg()[0]?.toFixed(2)}`,
    );
  } finally {
    await api.stop();
    await Promise.all([tdb.destroy(), tredis.destroy()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
