import {
  createPaymentSaga,
  createReconcilePayments,
  createRequestPayment,
  type DomainEvent,
  type PaymentGateway,
  systemClock,
} from '@concert/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/database';
import { KyselyReservationRepository } from '../reservation/kysely-reservation-repository';
import { createTestDatabase, type TestDatabase } from '../testing';
import { KyselyWalletLedger } from '../wallet/kysely-wallet-ledger';
import { KyselyPaymentStore } from './kysely-payment-store';
import { SimulatedPaymentGateway } from './simulated-payment-gateway';

const PRICE = 77_000;
let tdb: TestDatabase;
let db: Db;
let store: KyselyPaymentStore;
let ledger: KyselyWalletLedger;
let reservations: KyselyReservationRepository;
let sectionId = 0;
let scheduleId = 0;
let concertId = 0;
let nextSeat = 1;
let nextUser = 1;

beforeAll(async () => {
  tdb = await createTestDatabase('payment_saga');
  db = tdb.db;
  store = new KyselyPaymentStore(db);
  ledger = new KyselyWalletLedger(db);
  reservations = new KyselyReservationRepository(db);
  await db
    .insertInto('users')
    .values(Array.from({ length: 100 }, (_, i) => ({ name: `user-${i + 1}` })))
    .execute();
  const concert = await db
    .insertInto('concerts')
    .values({ title: 'Saga', artist: 'A', venue: 'V', first_date: null, last_date: null })
    .executeTakeFirstOrThrow();
  concertId = Number(concert.insertId);
  const schedule = await db
    .insertInto('schedules')
    .values({ concert_id: concertId, starts_at: new Date('2027-01-01T19:00:00Z') })
    .executeTakeFirstOrThrow();
  scheduleId = Number(schedule.insertId);
  const section = await db
    .insertInto('sections')
    .values({ schedule_id: scheduleId, name: 'A', price: PRICE, total_seats: 200 })
    .executeTakeFirstOrThrow();
  sectionId = Number(section.insertId);
  await db
    .insertInto('seats')
    .values(
      Array.from({ length: 200 }, (_, i) => ({
        schedule_id: scheduleId,
        section_id: sectionId,
        row_label: 'A',
        number: i + 1,
        status: 'AVAILABLE' as const,
        holder_id: null,
        held_until: null,
      })),
    )
    .execute();
});

afterAll(async () => {
  await tdb?.destroy();
});

interface Harness {
  saga: ReturnType<typeof createPaymentSaga>;
  pay: ReturnType<typeof createRequestPayment>;
  spent: Array<[number, number]>;
  sold: number[];
  published: DomainEvent[];
}

function harness(gateway: PaymentGateway = new SimulatedPaymentGateway({ latencyMs: 1, failureRate: 0 })): Harness {
  const spent: Array<[number, number]> = [];
  const sold: number[] = [];
  const published: DomainEvent[] = [];
  const events = { publish: async (...e: DomainEvent[]) => void published.push(...e) };
  const saga = createPaymentSaga({
    store,
    gateway,
    events,
    clock: systemClock,
    passes: { spend: async (userId, concert) => void spent.push([userId, concert]) },
    seats: { seatChanged: async (change) => void sold.push(change.seatId) },
    gatewayBackoffMs: 1,
  });
  const pay = createRequestPayment({ store, events, clock: systemClock });
  return { saga, pay, spent, sold, published };
}

/** A fresh user with `balance` won and a real hold (through the reservation context) on a fresh seat. */
async function heldSeat(balance: number, ttlMs = 300_000) {
  const userId = nextUser++;
  const seatId = nextSeat++;
  if (balance > 0)
    await ledger.append({ userId, kind: 'CHARGE', amount: balance, idempotencyKey: `fund-${userId}`, reference: null });
  const seat = await reservations.findSeat(seatId);
  if (!seat) throw new Error('seat missing');
  const now = new Date();
  const held = await reservations.hold({
    userId,
    seat,
    now,
    expiresAt: new Date(now.getTime() + ttlMs),
    limitPerDate: 100,
  });
  if (!held.ok) throw new Error(`hold failed: ${held.error}`);
  return { userId, seatId, reservationId: held.value.reservation.reservationId };
}

async function pay(h: Harness, userId: number, reservationId: number, key = `pay-key-${userId}-${reservationId}`) {
  const result = await h.pay({ userId, reservationId, idempotencyKey: key, verifyPass: async () => null });
  if (!result.ok) throw new Error(`pay failed: ${result.error.code}`);
  return result.value.paymentId;
}

async function facts(userId: number, seatId: number, reservationId: number, paymentId?: number) {
  const seat = await db
    .selectFrom('seats')
    .select(['status', 'holder_id'])
    .where('id', '=', seatId)
    .executeTakeFirstOrThrow();
  const reservation = await db
    .selectFrom('reservations')
    .select('status')
    .where('id', '=', reservationId)
    .executeTakeFirstOrThrow();
  const entries = await db
    .selectFrom('wallet_ledger')
    .select(['kind', 'amount'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  const payment = paymentId ? await store.findById(paymentId) : null;
  const { rows } = await sql<{ total: string | null }>`
    SELECT SUM(CASE kind WHEN 'DEBIT' THEN -amount ELSE amount END) AS total FROM wallet_ledger
    WHERE user_id = ${userId}`.execute(db);
  return {
    seat: seat.status,
    reservation: reservation.status,
    kinds: entries.map((e) => e.kind),
    balance: await ledger.balance(userId),
    ledgerSum: Number(rows[0]?.total ?? 0),
    payment,
  };
}

describe('payment saga against MySQL', () => {
  it('happy path: balance down by the price, seat SOLD, reservation CONFIRMED, payment COMPLETED, pass spent', async () => {
    const h = harness();
    const { userId, seatId, reservationId } = await heldSeat(100_000);
    const paymentId = await pay(h, userId, reservationId);
    expect((await store.findById(paymentId))?.status).toBe('PENDING');
    const end = await h.saga.drive(paymentId);
    expect(end).toMatchObject({ status: 'COMPLETED', step: 'COMPLETED', failureReason: null });
    const f = await facts(userId, seatId, reservationId, paymentId);
    expect(f).toMatchObject({ seat: 'SOLD', reservation: 'CONFIRMED', kinds: ['CHARGE', 'DEBIT'], balance: 23_000 });
    expect(f.ledgerSum).toBe(f.balance);
    expect(f.payment?.completedAt).toBeInstanceOf(Date);
    expect(f.payment?.gatewayRef).toBe(`sim-payment-${paymentId}`);
    expect(h.spent).toEqual([[userId, concertId]]);
    expect(h.sold).toEqual([seatId]);
    expect(h.published.map((e) => e.name)).toEqual(['payment/requested', 'payment/completed']);
  });

  it('insufficient balance: FAILED, balance unchanged, nothing to compensate, seat still held', async () => {
    const h = harness();
    const { userId, seatId, reservationId } = await heldSeat(PRICE - 1);
    const paymentId = await pay(h, userId, reservationId);
    expect(await h.saga.drive(paymentId)).toMatchObject({ status: 'FAILED', failureReason: 'INSUFFICIENT_BALANCE' });
    const f = await facts(userId, seatId, reservationId, paymentId);
    expect(f).toMatchObject({ seat: 'HELD', reservation: 'HELD', kinds: ['CHARGE'], balance: PRICE - 1 });
    expect(h.spent).toHaveLength(0);
  });

  it('gateway decline: FAILED GATEWAY_DECLINED, ledger DEBIT + REFUND, balance back', async () => {
    const h = harness(new SimulatedPaymentGateway({ latencyMs: 1, failureRate: 1 }));
    const { userId, seatId, reservationId } = await heldSeat(100_000);
    const paymentId = await pay(h, userId, reservationId);
    expect(await h.saga.drive(paymentId)).toMatchObject({ status: 'FAILED', failureReason: 'GATEWAY_DECLINED' });
    const f = await facts(userId, seatId, reservationId, paymentId);
    expect(f).toMatchObject({
      seat: 'HELD',
      reservation: 'HELD',
      kinds: ['CHARGE', 'DEBIT', 'REFUND'],
      balance: 100_000,
    });
    expect(f.ledgerSum).toBe(100_000);
    expect(h.published.at(-1)).toMatchObject({ name: 'payment/failed', data: { failureReason: 'GATEWAY_DECLINED' } });
  });

  it('gateway unavailable after retries: FAILED GATEWAY_UNAVAILABLE, refunded', async () => {
    let calls = 0;
    const down: PaymentGateway = {
      charge: async () => {
        calls++;
        return { outcome: 'UNAVAILABLE', reason: 'connection refused' };
      },
      void: async () => false,
    };
    const h = harness(down);
    const { userId, seatId, reservationId } = await heldSeat(100_000);
    const paymentId = await pay(h, userId, reservationId);
    expect(await h.saga.drive(paymentId)).toMatchObject({ status: 'FAILED', failureReason: 'GATEWAY_UNAVAILABLE' });
    expect(calls).toBe(3);
    expect(await facts(userId, seatId, reservationId)).toMatchObject({
      kinds: ['CHARGE', 'DEBIT', 'REFUND'],
      balance: 100_000,
    });
  });

  it('hold expired before the seat was confirmed: FAILED HOLD_EXPIRED, refunded, seat not sold', async () => {
    const h = harness();
    const { userId, seatId, reservationId } = await heldSeat(100_000);
    const paymentId = await pay(h, userId, reservationId);
    await h.saga.debit(paymentId);
    await h.saga.chargeGateway(paymentId);
    // The deadline passes while the gateway answers.
    await db
      .updateTable('reservations')
      .set({ expires_at: new Date(Date.now() - 1_000) })
      .where('id', '=', reservationId)
      .execute();
    expect(await h.saga.drive(paymentId)).toMatchObject({ status: 'FAILED', failureReason: 'HOLD_EXPIRED' });
    const f = await facts(userId, seatId, reservationId, paymentId);
    expect(f).toMatchObject({ seat: 'HELD', kinds: ['CHARGE', 'DEBIT', 'REFUND'], balance: 100_000 });
    expect(f.reservation).not.toBe('CONFIRMED');
    // The expiry sweeper can still free it: the failed payment left the hold to run out.
    expect(await reservations.expire(reservationId, new Date())).toBe(true);
    expect((await facts(userId, seatId, reservationId)).seat).toBe('AVAILABLE');
  });

  it('the same payment driven by 10 duplicate runs at once debits once and completes once', async () => {
    const h = harness();
    const { userId, seatId, reservationId } = await heldSeat(100_000);
    const paymentId = await pay(h, userId, reservationId);
    const ends = await Promise.all(Array.from({ length: 10 }, () => h.saga.drive(paymentId)));
    expect(ends.every((e) => e?.status === 'COMPLETED')).toBe(true);
    const f = await facts(userId, seatId, reservationId, paymentId);
    expect(f).toMatchObject({ seat: 'SOLD', reservation: 'CONFIRMED', kinds: ['CHARGE', 'DEBIT'], balance: 23_000 });
    // Spending is idempotent (the queue ignores a spent pass), so runs that overlap may each ask for it.
    expect(h.spent.length).toBeGreaterThanOrEqual(1);
    expect(new Set(h.spent.map((s) => s.join(':')))).toEqual(new Set([`${userId}:${concertId}`]));
    expect(h.published.filter((e) => e.name === 'payment/completed')).toHaveLength(1);
  });

  it('duplicate runs of a declined payment refund once', async () => {
    const h = harness(new SimulatedPaymentGateway({ latencyMs: 2, failureRate: 1 }));
    const { userId, seatId, reservationId } = await heldSeat(100_000);
    const paymentId = await pay(h, userId, reservationId);
    await Promise.all(Array.from({ length: 8 }, () => h.saga.drive(paymentId)));
    expect(await facts(userId, seatId, reservationId)).toMatchObject({
      kinds: ['CHARGE', 'DEBIT', 'REFUND'],
      balance: 100_000,
    });
  });

  it('pay is idempotent: 20 identical requests at once make one payment; other keys get the live one', async () => {
    const h = harness();
    const { userId, reservationId } = await heldSeat(100_000);
    const same = await Promise.all(Array.from({ length: 20 }, () => pay(h, userId, reservationId, 'same-key-0001')));
    const others = await Promise.all(
      Array.from({ length: 10 }, (_, i) => pay(h, userId, reservationId, `other-key-${i.toString().padStart(4, '0')}`)),
    );
    expect(new Set([...same, ...others]).size).toBe(1);
    const rows = await db.selectFrom('payments').select('id').where('reservation_id', '=', reservationId).execute();
    expect(rows).toHaveLength(1);
    expect(h.published.filter((e) => e.name === 'payment/requested')).toHaveLength(1);
    // Another reservation with the same key is a conflict, not a new payment.
    const second = await heldSeat(0);
    await db.updateTable('reservations').set({ user_id: userId }).where('id', '=', second.reservationId).execute();
    const reused = await h.pay({
      userId,
      reservationId: second.reservationId,
      idempotencyKey: 'same-key-0001',
      verifyPass: async () => null,
    });
    expect(!reused.ok && reused.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('the reconciler finishes a payment whose process died after the debit', async () => {
    const h = harness();
    const { userId, seatId, reservationId } = await heldSeat(100_000);
    const paymentId = await pay(h, userId, reservationId);
    await h.saga.debit(paymentId);
    const reconcile = createReconcilePayments({ store, saga: h.saga, clock: systemClock, staleAfterMs: 60_000 });
    expect((await reconcile()).checked).toBe(0);
    await sql`UPDATE payments SET updated_at = NOW(3) - INTERVAL 5 MINUTE WHERE id = ${paymentId}`.execute(db);
    const report = await reconcile();
    expect(report).toMatchObject({ completed: 1, errors: 0 });
    expect(await facts(userId, seatId, reservationId, paymentId)).toMatchObject({
      seat: 'SOLD',
      kinds: ['CHARGE', 'DEBIT'],
      balance: 23_000,
    });
  });

  it('payments racing the expiry sweeper: each ends sold-and-paid or refunded-and-not-sold, never both or neither', async () => {
    const h = harness(new SimulatedPaymentGateway({ latencyMs: 5, failureRate: 0 }));
    const cases = await Promise.all(Array.from({ length: 12 }, () => heldSeat(100_000)));
    const paymentIds = await Promise.all(cases.map((c) => pay(h, c.userId, c.reservationId)));
    await Promise.all(
      cases.map(async (c, i) => {
        const drive = h.saga.drive(paymentIds[i] as number);
        // Half of the holds run out while their payment is in flight.
        if (i % 2 === 0) {
          await db
            .updateTable('reservations')
            .set({ expires_at: new Date(Date.now() - 1) })
            .where('id', '=', c.reservationId)
            .execute();
          await reservations.expire(c.reservationId, new Date());
        }
        await drive;
      }),
    );
    for (const [i, c] of cases.entries()) {
      const f = await facts(c.userId, c.seatId, c.reservationId, paymentIds[i]);
      if (f.payment?.status === 'COMPLETED') {
        expect(f).toMatchObject({
          seat: 'SOLD',
          reservation: 'CONFIRMED',
          kinds: ['CHARGE', 'DEBIT'],
          balance: 23_000,
        });
      } else {
        expect(f.payment).toMatchObject({ status: 'FAILED', failureReason: 'HOLD_EXPIRED' });
        expect(f).toMatchObject({ kinds: ['CHARGE', 'DEBIT', 'REFUND'], balance: 100_000 });
        expect(f.seat).not.toBe('SOLD');
      }
      expect(f.ledgerSum).toBe(f.balance);
    }
  });
});
