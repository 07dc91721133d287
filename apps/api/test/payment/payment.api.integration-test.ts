import { createInngest, LocalInngestTransport, LocalRunner } from '@concert/adapters';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@concert/adapters/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../api-harness';
import { type Fixture, seedFixture } from '../reservation/fixture';
import { pollUntil, signInWithActivePass, trpc } from '../reservation/trpc-http';

/**
 * Wallet and payment over real HTTP: API processes with their Inngest functions in local mode (the real runner
 * drives the payment saga), one MySQL, Redis. One API approves every charge; another (own Redis prefix, so its
 * own runner and queue) declines every charge, for the compensation path.
 */
const AUTH_SECRET = 'payment-api-integration-test-secret-0123456789';
let tdb: TestDatabase;
let redisOk: TestRedis;
let redisDecline: TestRedis;
let fixture: Fixture;
let api: RunningApi;
let declining: RunningApi;

interface Session {
  session: string;
  queueToken: string;
}
interface PaymentOut {
  paymentId: number;
  reservationId: number;
  amount: number;
  status: string;
  failureReason: string | null;
  completedAt: string | null;
}

const env = (redis: TestRedis, extra: Record<string, string> = {}) => ({
  DATABASE_URL: tdb.url,
  REDIS_URL: redis.url,
  REDIS_PREFIX: redis.prefix,
  AUTH_SECRET,
  INNGEST_MODE: 'local',
  QUEUE_TICK_MS: '100',
  QUEUE_MAX_ACTIVE: '1000',
  QUEUE_ADMIT_PER_TICK: '1000',
  HOLD_LIMIT_PER_DATE: '4',
  PAYMENT_GATEWAY_LATENCY_MS: '20',
  // The reconciler test leaves a payment without its event: picked up by the next cron pass after 5 s.
  PAYMENT_STALE_AFTER_SECONDS: '5',
  ...extra,
});

beforeAll(async () => {
  [tdb, redisOk, redisDecline] = await Promise.all([
    createTestDatabase('payment_api'),
    createTestRedis('payment_api'),
    createTestRedis('payment_api_decline'),
  ]);
  fixture = await seedFixture(tdb.db, { users: 40, concerts: 2, seatsPerSection: 20 });
  [api, declining] = await Promise.all([
    startApi(env(redisOk)),
    // Same MySQL: keep this one's reconciler off the other API's payments (it would decline them).
    startApi(env(redisDecline, { PAYMENT_GATEWAY_FAILURE_RATE: '1', PAYMENT_STALE_AFTER_SECONDS: '86400' })),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([api?.stop(), declining?.stop()]);
  await Promise.all([tdb?.destroy(), redisOk?.destroy(), redisDecline?.destroy()]);
});

const concertId = () => fixture.schedules[0]?.concertId ?? 0;
let seatCursor = 0;
const nextSeat = () => {
  const id = fixture.schedules[0]?.seatIds[seatCursor++];
  if (id === undefined) throw new Error('out of seats');
  return id;
};

async function charge(url: string, s: Session, amount: number, idempotencyKey: string) {
  return trpc<{ balance: number; transactionId: number }>(
    url,
    'mutation',
    'wallet.charge',
    { amount, idempotencyKey },
    s,
  );
}

async function hold(url: string, s: Session) {
  const r = await trpc<{ reservationId: number; amount: number }>(
    url,
    'mutation',
    'reservation.hold',
    { seatId: nextSeat() },
    s,
  );
  if (!r.data) throw new Error(`hold: ${JSON.stringify(r.error)}`);
  return r.data;
}

async function finalStatus(url: string, s: Session, paymentId: number): Promise<PaymentOut> {
  return pollUntil(
    `payment ${paymentId} to end`,
    async () => {
      const r = await trpc<PaymentOut>(url, 'query', 'payment.status', { paymentId }, s);
      return r.data && r.data.status !== 'PENDING' ? r.data : null;
    },
    60_000,
    150,
  );
}

/** Puts events on the API's durable event stream (Redis), exactly as an API's `inngest.send` does. */
function eventSender(redis: TestRedis) {
  const transport = new LocalInngestTransport();
  const inngest = createInngest({ mode: 'local', fetch: transport.fetch });
  // Never started: only its event API is used.
  new LocalRunner({
    inngest,
    redis: redis.redis,
    transport,
    functions: () => [],
    handler: () => () => Promise.reject(new Error('not a runner')),
  });
  return inngest;
}

async function ledgerKinds(userId: number) {
  const rows = await tdb.db
    .selectFrom('wallet_ledger')
    .select('kind')
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.kind);
}

describe('wallet over HTTP', () => {
  it('reads, charges idempotently, and answers the documented error codes', async () => {
    const s = await signInWithActivePass(api.url, 1, concertId());
    expect((await trpc(api.url, 'query', 'wallet.balance', {}, s)).data).toEqual({ balance: 0 });
    const first = await charge(api.url, s, 50_000, 'wallet-key-0001');
    expect(first.status).toBe(200);
    expect(first.data?.balance).toBe(50_000);
    const repeat = await charge(api.url, s, 50_000, 'wallet-key-0001');
    expect(repeat.data).toEqual(first.data);
    const reused = await charge(api.url, s, 40_000, 'wallet-key-0001');
    expect(reused.error).toMatchObject({ code: 'CONFLICT', httpStatus: 409, domainCode: 'IDEMPOTENCY_KEY_REUSED' });
    for (const [amount, key] of [
      [0, 'wallet-key-0002'],
      [1_000_001, 'wallet-key-0002'],
      [100, 'short'],
    ] as const) {
      const bad = await charge(api.url, s, amount, key);
      expect(bad.error).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, domainCode: 'INVALID_INPUT' });
    }
    const anonymous = await trpc(api.url, 'query', 'wallet.balance', {}, {});
    expect(anonymous.error).toMatchObject({ code: 'UNAUTHORIZED', domainCode: 'SESSION_INVALID' });
    expect((await trpc(api.url, 'query', 'wallet.balance', {}, s)).data).toEqual({ balance: 50_000 });
  });

  it('50 concurrent charges with one key: one ledger row, one balance increase', async () => {
    const s = await signInWithActivePass(api.url, 2, concertId());
    const replies = await Promise.all(Array.from({ length: 50 }, () => charge(api.url, s, 1_234, 'same-http-key-1')));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(new Set(replies.map((r) => r.data?.transactionId)).size).toBe(1);
    expect(await ledgerKinds(2)).toEqual(['CHARGE']);
    expect((await trpc(api.url, 'query', 'wallet.balance', {}, s)).data).toEqual({ balance: 1_234 });
  });
});

describe('payment over HTTP, driven by the local workflow runner', () => {
  it('happy path: PENDING at once, then COMPLETED; balance down by the price; seat SOLD; pass spent', async () => {
    const userId = 3;
    const s = await signInWithActivePass(api.url, userId, concertId());
    await charge(api.url, s, 200_000, 'fund-user-0003');
    const held = await hold(api.url, s);
    const paid = await trpc<{ paymentId: number; status: string }>(
      api.url,
      'mutation',
      'payment.pay',
      { reservationId: held.reservationId, idempotencyKey: 'pay-happy-0001' },
      s,
    );
    expect(paid.data).toMatchObject({ status: 'PENDING' });
    const paymentId = paid.data?.paymentId ?? 0;
    const end = await finalStatus(api.url, s, paymentId);
    expect(end).toMatchObject({
      paymentId,
      reservationId: held.reservationId,
      amount: held.amount,
      status: 'COMPLETED',
      failureReason: null,
    });
    expect(end.completedAt).toEqual(expect.any(String));
    expect((await trpc(api.url, 'query', 'wallet.balance', {}, s)).data).toEqual({ balance: 200_000 - held.amount });
    const reservation = await tdb.db
      .selectFrom('reservations')
      .selectAll()
      .where('id', '=', held.reservationId)
      .executeTakeFirstOrThrow();
    const seat = await tdb.db
      .selectFrom('seats')
      .select('status')
      .where('id', '=', reservation.seat_id)
      .executeTakeFirstOrThrow();
    expect([reservation.status, seat.status]).toEqual(['CONFIRMED', 'SOLD']);
    expect(await ledgerKinds(userId)).toEqual(['CHARGE', 'DEBIT']);
    // The pass is spent: the ACTIVE slot went back to the queue.
    const queue = await trpc<{ status: string }>(api.url, 'query', 'queue.status', {}, s);
    expect(queue.data?.status).not.toBe('ACTIVE');
    // A repeat of the same pay answers the first payment, now COMPLETED, even without an ACTIVE pass.
    const repeat = await trpc(
      api.url,
      'mutation',
      'payment.pay',
      { reservationId: held.reservationId, idempotencyKey: 'pay-happy-0001' },
      s,
    );
    expect(repeat.data).toEqual({ paymentId, status: 'COMPLETED' });
    expect(await ledgerKinds(userId)).toEqual(['CHARGE', 'DEBIT']);
  });

  it('insufficient balance: FAILED INSUFFICIENT_BALANCE, balance unchanged', async () => {
    const s = await signInWithActivePass(api.url, 4, concertId());
    await charge(api.url, s, 1_000, 'fund-user-0004');
    const held = await hold(api.url, s);
    const paid = await trpc<{ paymentId: number }>(
      api.url,
      'mutation',
      'payment.pay',
      { reservationId: held.reservationId, idempotencyKey: 'pay-poor-00001' },
      s,
    );
    const end = await finalStatus(api.url, s, paid.data?.paymentId ?? 0);
    expect(end).toMatchObject({ status: 'FAILED', failureReason: 'INSUFFICIENT_BALANCE', completedAt: null });
    expect((await trpc(api.url, 'query', 'wallet.balance', {}, s)).data).toEqual({ balance: 1_000 });
  });

  it('gateway decline (compensation through the runner): FAILED GATEWAY_DECLINED, refunded, seat still held', async () => {
    const userId = 5;
    const s = await signInWithActivePass(declining.url, userId, concertId());
    await charge(declining.url, s, 300_000, 'fund-user-0005');
    const held = await hold(declining.url, s);
    const paid = await trpc<{ paymentId: number }>(
      declining.url,
      'mutation',
      'payment.pay',
      { reservationId: held.reservationId, idempotencyKey: 'pay-decl-00001' },
      s,
    );
    const end = await finalStatus(declining.url, s, paid.data?.paymentId ?? 0);
    expect(end).toMatchObject({ status: 'FAILED', failureReason: 'GATEWAY_DECLINED' });
    expect((await trpc(declining.url, 'query', 'wallet.balance', {}, s)).data).toEqual({ balance: 300_000 });
    expect(await ledgerKinds(userId)).toEqual(['CHARGE', 'DEBIT', 'REFUND']);
    const reservation = await tdb.db
      .selectFrom('reservations')
      .select('status')
      .where('id', '=', held.reservationId)
      .executeTakeFirstOrThrow();
    expect(reservation.status).toBe('HELD');
  });

  it('answers the documented error codes', async () => {
    const owner = await signInWithActivePass(api.url, 6, concertId());
    const other = await signInWithActivePass(api.url, 7, concertId());
    await charge(api.url, owner, 500_000, 'fund-user-0006');
    const held = await hold(api.url, owner);
    const pay = (s: Partial<Session>, input: unknown) => trpc(api.url, 'mutation', 'payment.pay', input, s);

    expect(
      (await pay(other, { reservationId: held.reservationId, idempotencyKey: 'err-key-00001' })).error,
    ).toMatchObject({
      code: 'FORBIDDEN',
      domainCode: 'NOT_OWNER',
    });
    expect((await pay(owner, { reservationId: 999_999, idempotencyKey: 'err-key-00002' })).error).toMatchObject({
      code: 'NOT_FOUND',
      domainCode: 'RESERVATION_NOT_FOUND',
    });
    expect(
      (await pay({ session: owner.session }, { reservationId: held.reservationId, idempotencyKey: 'err-key-00003' }))
        .error,
    ).toMatchObject({
      code: 'UNAUTHORIZED',
      domainCode: 'QUEUE_TOKEN_INVALID',
    });
    expect((await pay(owner, { reservationId: held.reservationId, idempotencyKey: 'short' })).error).toMatchObject({
      code: 'BAD_REQUEST',
      domainCode: 'INVALID_INPUT',
    });
    expect((await pay({}, { reservationId: held.reservationId, idempotencyKey: 'err-key-00004' })).error).toMatchObject(
      {
        code: 'UNAUTHORIZED',
        domainCode: 'SESSION_INVALID',
      },
    );

    // Released hold: not payable.
    const released = await hold(api.url, owner);
    await trpc(api.url, 'mutation', 'reservation.release', { reservationId: released.reservationId }, owner);
    expect(
      (await pay(owner, { reservationId: released.reservationId, idempotencyKey: 'err-key-00005' })).error,
    ).toMatchObject({
      code: 'PRECONDITION_FAILED',
      domainCode: 'RESERVATION_NOT_PAYABLE',
    });

    // A real payment, then: its key on another reservation, someone else's status, an unknown payment.
    const paid = await pay(owner, { reservationId: held.reservationId, idempotencyKey: 'err-key-00006' });
    const paymentId = (paid.data as { paymentId: number }).paymentId;
    const another = await hold(api.url, owner);
    expect(
      (await pay(owner, { reservationId: another.reservationId, idempotencyKey: 'err-key-00006' })).error,
    ).toMatchObject({
      code: 'CONFLICT',
      domainCode: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect((await trpc(api.url, 'query', 'payment.status', { paymentId }, other)).error).toMatchObject({
      code: 'FORBIDDEN',
      domainCode: 'NOT_OWNER',
    });
    expect((await trpc(api.url, 'query', 'payment.status', { paymentId: 999_999 }, owner)).error).toMatchObject({
      code: 'NOT_FOUND',
      domainCode: 'PAYMENT_NOT_FOUND',
    });
    expect((await finalStatus(api.url, owner, paymentId)).status).toBe('COMPLETED');
    // Paid: the pass is spent, so a new pay needs a new pass first; with one, the CONFIRMED hold is not payable.
    expect(
      (await pay(owner, { reservationId: held.reservationId, idempotencyKey: 'err-key-00007' })).error,
    ).toMatchObject({
      code: 'FORBIDDEN',
      domainCode: 'QUEUE_NOT_ACTIVE',
    });
    const again = await signInWithActivePass(api.url, 6, concertId());
    expect(
      (await pay(again, { reservationId: held.reservationId, idempotencyKey: 'err-key-00008' })).error,
    ).toMatchObject({
      code: 'PRECONDITION_FAILED',
      domainCode: 'RESERVATION_NOT_PAYABLE',
    });
  });

  it('duplicate payment/requested events (the runner runs each) debit once and complete once', async () => {
    const userId = 8;
    const s = await signInWithActivePass(api.url, userId, concertId());
    await charge(api.url, s, 400_000, 'fund-user-0008');
    const held = await hold(api.url, s);
    const paid = await trpc<{ paymentId: number }>(
      api.url,
      'mutation',
      'payment.pay',
      { reservationId: held.reservationId, idempotencyKey: 'pay-dupe-00001' },
      s,
    );
    const paymentId = paid.data?.paymentId ?? 0;
    await eventSender(redisOk).send(
      Array.from({ length: 5 }, () => ({
        name: 'payment/requested',
        data: { paymentId, userId, reservationId: held.reservationId },
      })),
    );
    expect((await finalStatus(api.url, s, paymentId)).status).toBe('COMPLETED');
    // Let the duplicate runs finish too, then check nothing moved twice.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await ledgerKinds(userId)).toEqual(['CHARGE', 'DEBIT']);
    expect((await trpc(api.url, 'query', 'wallet.balance', {}, s)).data).toEqual({ balance: 400_000 - held.amount });
  });

  it('a payment whose event was lost is finished by the reconciler cron', async () => {
    const userId = 9;
    const s = await signInWithActivePass(api.url, userId, concertId());
    await charge(api.url, s, 400_000, 'fund-user-0009');
    const held = await hold(api.url, s);
    // As if the API crashed right after the commit of payment.pay: the row exists, no event was ever sent.
    const inserted = await tdb.db
      .insertInto('payments')
      .values({
        reservation_id: held.reservationId,
        user_id: userId,
        amount: held.amount,
        status: 'PENDING',
        idempotency_key: 'lost-event-0001',
        step: 'CREATED',
        failure_reason: null,
        gateway_ref: null,
        completed_at: null,
      })
      .executeTakeFirstOrThrow();
    const paymentId = Number(inserted.insertId);
    await sql`UPDATE payments SET updated_at = NOW(3) - INTERVAL 1 MINUTE WHERE id = ${paymentId}`.execute(tdb.db);
    // The cron runs once a minute: allow two passes on a slow machine.
    const end = await pollUntil(
      'the reconciler',
      async () => {
        const r = await trpc<PaymentOut>(api.url, 'query', 'payment.status', { paymentId }, s);
        return r.data && r.data.status !== 'PENDING' ? r.data : null;
      },
      150_000,
      500,
    );
    expect(end, JSON.stringify(end)).toMatchObject({ status: 'COMPLETED' });
    expect(await ledgerKinds(userId)).toEqual(['CHARGE', 'DEBIT']);
  }, 180_000);
});
