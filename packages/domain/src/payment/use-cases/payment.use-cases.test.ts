import { describe, expect, it } from 'vitest';
import type { Reservation } from '../../reservation';
import { type DomainError, DomainError as DomainErrorClass, type DomainEvent } from '../../shared';
import { InMemoryPaymentStore, ScriptedGateway } from '../testing';
import { createGetPaymentStatus } from './get-payment-status.use-case';
import { createPaymentSaga } from './payment-saga.use-case';
import { createReconcilePayments } from './reconcile-payments.use-case';
import { createRequestPayment } from './request-payment.use-case';

const T0 = new Date('2026-11-26T01:00:00Z');

function setup(options: { gateway?: ScriptedGateway; balance?: number; expiresInMs?: number } = {}) {
  let now = T0;
  const clock = { now: () => now };
  const store = new InMemoryPaymentStore(() => now);
  const reservation: Reservation = {
    reservationId: 10,
    userId: 1,
    seatId: 100,
    scheduleId: 5,
    concertId: 3,
    sectionId: 7,
    amount: 30_000,
    status: 'HELD',
    expiresAt: new Date(T0.getTime() + (options.expiresInMs ?? 300_000)),
  };
  store.addReservation(reservation);
  const published: DomainEvent[] = [];
  const events = { publish: async (...e: DomainEvent[]) => void published.push(...e) };
  const spent: Array<[number, number]> = [];
  const seatChanges: Array<{ seatId: number; scheduleId: number; sectionId: number }> = [];
  const gateway = options.gateway ?? new ScriptedGateway();
  const saga = createPaymentSaga({
    store,
    gateway,
    clock,
    events,
    passes: { spend: async (userId, concertId) => void spent.push([userId, concertId]) },
    seats: { seatChanged: async (change) => void seatChanges.push(change) },
    sleep: async () => {},
  });
  const pay = createRequestPayment({ store, events, clock });
  const activePass = async () => null;
  return {
    store,
    saga,
    pay,
    gateway,
    published,
    spent,
    seatChanges,
    activePass,
    reservation,
    setNow: (d: Date) => {
      now = d;
    },
    async fund(amount = options.balance ?? 50_000) {
      await store.ledger.append({ userId: 1, kind: 'CHARGE', amount, idempotencyKey: 'fund-0001', reference: null });
    },
    kinds: () => store.ledger.entries.map((e) => e.kind),
  };
}

describe('requestPayment (payment.pay)', () => {
  it('records a PENDING payment, emits payment/requested and answers at once', async () => {
    const s = setup();
    const result = await s.pay({
      userId: 1,
      reservationId: 10,
      idempotencyKey: 'pay-key-0001',
      verifyPass: s.activePass,
    });
    expect(result).toEqual({ ok: true, value: { paymentId: 1, status: 'PENDING', created: true } });
    expect(s.published).toEqual([{ name: 'payment/requested', data: { paymentId: 1, userId: 1, reservationId: 10 } }]);
    expect(s.store.payments.get(1)).toMatchObject({ amount: 30_000, step: 'CREATED', status: 'PENDING' });
  });

  it('returns the first payment (with its current status) for a repeated key, and nothing changes', async () => {
    const s = setup();
    await s.fund();
    const input = { userId: 1, reservationId: 10, idempotencyKey: 'pay-key-0001', verifyPass: s.activePass };
    await s.pay(input);
    await s.saga.drive(1);
    const repeat = await s.pay({ ...input, verifyPass: async () => new DomainErrorClass('QUEUE_NOT_ACTIVE') });
    expect(repeat).toEqual({ ok: true, value: { paymentId: 1, status: 'COMPLETED', created: false } });
    expect(s.store.payments.size).toBe(1);
    expect(s.published.filter((e) => e.name === 'payment/requested')).toHaveLength(1);
  });

  it('refuses the same key for another reservation', async () => {
    const s = setup();
    s.store.addReservation({ ...s.reservation, reservationId: 11, seatId: 101 });
    await s.pay({ userId: 1, reservationId: 10, idempotencyKey: 'pay-key-0001', verifyPass: s.activePass });
    const reused = await s.pay({
      userId: 1,
      reservationId: 11,
      idempotencyKey: 'pay-key-0001',
      verifyPass: s.activePass,
    });
    expect(!reused.ok && reused.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('answers RESERVATION_NOT_FOUND, NOT_OWNER, the pass error and RESERVATION_NOT_PAYABLE', async () => {
    const s = setup();
    const code = async (input: Partial<Parameters<typeof s.pay>[0]>) => {
      const r = await s.pay({
        userId: 1,
        reservationId: 10,
        idempotencyKey: 'pay-key-0001',
        verifyPass: s.activePass,
        ...input,
      });
      return r.ok ? 'ok' : r.error.code;
    };
    expect(await code({ reservationId: 999 })).toBe('RESERVATION_NOT_FOUND');
    expect(await code({ userId: 2 })).toBe('NOT_OWNER');
    expect(await code({ verifyPass: async (): Promise<DomainError> => new DomainErrorClass('QUEUE_NOT_ACTIVE') })).toBe(
      'QUEUE_NOT_ACTIVE',
    );
    expect(await code({ idempotencyKey: 'short' })).toBe('INVALID_INPUT');
    s.setNow(new Date(T0.getTime() + 300_001));
    expect(await code({})).toBe('RESERVATION_NOT_PAYABLE');
    s.store.reservations.set(10, { ...s.reservation, status: 'RELEASED' });
    s.setNow(T0);
    expect(await code({})).toBe('RESERVATION_NOT_PAYABLE');
    expect(s.store.payments.size).toBe(0);
  });

  it('keeps one live payment per reservation: a new key returns the PENDING one; a COMPLETED one makes it unpayable', async () => {
    const s = setup();
    await s.fund();
    const first = await s.pay({
      userId: 1,
      reservationId: 10,
      idempotencyKey: 'pay-key-0001',
      verifyPass: s.activePass,
    });
    const second = await s.pay({
      userId: 1,
      reservationId: 10,
      idempotencyKey: 'pay-key-0002',
      verifyPass: s.activePass,
    });
    expect(second.ok && first.ok && second.value.paymentId).toBe(first.ok && first.value.paymentId);
    await s.saga.drive(1);
    const third = await s.pay({
      userId: 1,
      reservationId: 10,
      idempotencyKey: 'pay-key-0003',
      verifyPass: s.activePass,
    });
    expect(!third.ok && third.error.code).toBe('RESERVATION_NOT_PAYABLE');
  });

  it('allows paying again after a FAILED payment while the hold lasts', async () => {
    const s = setup();
    await s.pay({ userId: 1, reservationId: 10, idempotencyKey: 'pay-key-0001', verifyPass: s.activePass });
    expect((await s.saga.drive(1))?.failureReason).toBe('INSUFFICIENT_BALANCE');
    await s.fund();
    const retry = await s.pay({
      userId: 1,
      reservationId: 10,
      idempotencyKey: 'pay-key-0002',
      verifyPass: s.activePass,
    });
    expect(retry).toEqual({ ok: true, value: { paymentId: 2, status: 'PENDING', created: true } });
    expect((await s.saga.drive(2))?.status).toBe('COMPLETED');
  });
});

describe('payment saga', () => {
  async function paid(s: ReturnType<typeof setup>) {
    const r = await s.pay({ userId: 1, reservationId: 10, idempotencyKey: 'pay-key-0001', verifyPass: s.activePass });
    if (!r.ok) throw new Error('pay failed');
    return r.value.paymentId;
  }

  it('happy path: debits once, sells the seat, confirms, spends the pass, completes and announces', async () => {
    const s = setup();
    await s.fund(50_000);
    const id = await paid(s);
    const end = await s.saga.drive(id);
    expect(end).toEqual({
      paymentId: id,
      status: 'COMPLETED',
      step: 'COMPLETED',
      failureReason: null,
      transitioned: true,
    });
    expect(await s.store.ledger.balance(1)).toBe(20_000);
    expect(s.kinds()).toEqual(['CHARGE', 'DEBIT']);
    expect(s.store.seats.get(100)?.status).toBe('SOLD');
    expect(s.store.reservations.get(10)?.status).toBe('CONFIRMED');
    expect(s.spent).toEqual([[1, 3]]);
    expect(s.seatChanges).toEqual([{ seatId: 100, scheduleId: 5, sectionId: 7 }]);
    expect(s.store.payments.get(id)?.completedAt).toEqual(T0);
    expect(s.store.payments.get(id)?.gatewayRef).toBe(`ref-payment-${id}`);
    expect(s.published.map((e) => e.name)).toEqual(['payment/requested', 'payment/completed']);
    const view = await createGetPaymentStatus({ store: s.store })({ userId: 1, paymentId: id });
    expect(view).toEqual({
      ok: true,
      value: {
        paymentId: id,
        reservationId: 10,
        amount: 30_000,
        status: 'COMPLETED',
        failureReason: null,
        completedAt: T0.toISOString(),
      },
    });
  });

  it('insufficient balance: FAILED, nothing taken, gateway never called, seat still held', async () => {
    const s = setup();
    await s.fund(29_999);
    const id = await paid(s);
    const end = await s.saga.drive(id);
    expect(end).toMatchObject({ status: 'FAILED', failureReason: 'INSUFFICIENT_BALANCE' });
    expect(await s.store.ledger.balance(1)).toBe(29_999);
    expect(s.kinds()).toEqual(['CHARGE']);
    expect(s.gateway.charges).toHaveLength(0);
    expect(s.store.seats.get(100)?.status).toBe('HELD');
    expect(s.published.at(-1)).toMatchObject({
      name: 'payment/failed',
      data: { failureReason: 'INSUFFICIENT_BALANCE' },
    });
  });

  it('gateway decline: refunds the debit, voids, FAILED GATEWAY_DECLINED, seat stays HELD', async () => {
    const s = setup({ gateway: new ScriptedGateway(() => ({ outcome: 'DECLINED' })) });
    await s.fund();
    const id = await paid(s);
    expect(await s.saga.drive(id)).toMatchObject({ status: 'FAILED', failureReason: 'GATEWAY_DECLINED' });
    expect(await s.store.ledger.balance(1)).toBe(50_000);
    expect(s.kinds()).toEqual(['CHARGE', 'DEBIT', 'REFUND']);
    expect(s.gateway.voids).toEqual([`payment-${id}`]);
    expect(s.store.seats.get(100)?.status).toBe('HELD');
    expect(s.spent).toHaveLength(0);
  });

  it('gateway unavailable: retries, then refunds and fails GATEWAY_UNAVAILABLE', async () => {
    const gateway = new ScriptedGateway(() => ({ outcome: 'UNAVAILABLE', reason: 'timeout' }));
    const s = setup({ gateway });
    await s.fund();
    const id = await paid(s);
    expect(await s.saga.drive(id)).toMatchObject({ status: 'FAILED', failureReason: 'GATEWAY_UNAVAILABLE' });
    expect(gateway.charges).toHaveLength(3);
    expect(await s.store.ledger.balance(1)).toBe(50_000);
  });

  it('recovers when the gateway answers on a retry', async () => {
    const gateway = new ScriptedGateway((r, call) =>
      call < 3 ? { outcome: 'UNAVAILABLE' } : { outcome: 'APPROVED', reference: `ref-${r.key}` },
    );
    const s = setup({ gateway });
    await s.fund();
    const id = await paid(s);
    expect(await s.saga.drive(id)).toMatchObject({ status: 'COMPLETED' });
  });

  it('hold expired before the seat was confirmed: refunded, FAILED HOLD_EXPIRED, seat not sold', async () => {
    const s = setup({ expiresInMs: 60_000 });
    await s.fund();
    const id = await paid(s);
    await s.saga.debit(id);
    await s.saga.chargeGateway(id);
    s.setNow(new Date(T0.getTime() + 60_000));
    expect(await s.saga.confirmSeat(id)).toMatchObject({ step: 'COMPENSATING', failureReason: 'HOLD_EXPIRED' });
    expect(await s.saga.drive(id)).toMatchObject({ status: 'FAILED', failureReason: 'HOLD_EXPIRED' });
    expect(s.kinds()).toEqual(['CHARGE', 'DEBIT', 'REFUND']);
    expect(await s.store.ledger.balance(1)).toBe(50_000);
    expect(s.store.seats.get(100)?.status).toBe('HELD');
    expect(s.store.reservations.get(10)?.status).toBe('HELD');
  });

  it('hold released meanwhile: the sale is refused the same way', async () => {
    const s = setup();
    await s.fund();
    const id = await paid(s);
    await s.saga.chargeGateway(id); // not DEBITED yet: a no-op
    await s.saga.debit(id);
    await s.saga.chargeGateway(id);
    s.store.reservations.set(10, { ...s.reservation, status: 'RELEASED' });
    expect(await s.saga.drive(id)).toMatchObject({ status: 'FAILED', failureReason: 'HOLD_EXPIRED' });
    expect(await s.store.ledger.balance(1)).toBe(50_000);
  });

  it('each stage is a no-op when run again or out of order', async () => {
    const s = setup();
    await s.fund();
    const id = await paid(s);
    await s.saga.drive(id);
    for (const stage of ['debit', 'gateway', 'confirm-seat', 'complete', 'compensate'] as const) {
      expect(await s.saga.runStage(stage, id)).toMatchObject({ status: 'COMPLETED' });
    }
    expect(s.kinds()).toEqual(['CHARGE', 'DEBIT']);
    expect(s.spent).toHaveLength(1);
  });

  it('duplicate runs interleaved stage by stage debit once and take one path', async () => {
    const s = setup();
    await s.fund();
    const id = await paid(s);
    const runs = await Promise.all([s.saga.drive(id), s.saga.drive(id), s.saga.drive(id)]);
    expect(runs.every((r) => r?.status === 'COMPLETED')).toBe(true);
    expect(s.kinds()).toEqual(['CHARGE', 'DEBIT']);
    expect(await s.store.ledger.balance(1)).toBe(20_000);
  });

  it('a late approval from a duplicate run cannot revive a payment another run decided to compensate', async () => {
    const gateway = new ScriptedGateway((r, call) =>
      call === 1 ? { outcome: 'DECLINED' } : { outcome: 'APPROVED', reference: `ref-${r.key}` },
    );
    const s = setup({ gateway });
    await s.fund();
    const id = await paid(s);
    await s.saga.debit(id);
    await s.saga.chargeGateway(id); // declined -> COMPENSATING
    expect(await s.saga.chargeGateway(id)).toMatchObject({ step: 'COMPENSATING' });
    expect(await s.saga.drive(id)).toMatchObject({ status: 'FAILED', failureReason: 'GATEWAY_DECLINED' });
    expect(s.store.seats.get(100)?.status).toBe('HELD');
  });
});

describe('reconcilePayments', () => {
  it('drives payments that stayed PENDING too long to their end, and leaves fresh ones alone', async () => {
    const s = setup();
    await s.fund();
    await s.pay({ userId: 1, reservationId: 10, idempotencyKey: 'pay-key-0001', verifyPass: s.activePass });
    await s.saga.debit(1); // then the process "crashed"
    let now = new Date(T0.getTime() + 60_000);
    const reconcile = createReconcilePayments({ store: s.store, saga: s.saga, clock: { now: () => now } });
    expect(await reconcile()).toMatchObject({ checked: 0 });
    now = new Date(T0.getTime() + 121_000);
    expect(await reconcile()).toEqual({ checked: 1, completed: 1, failed: 0, stillPending: 0, errors: 0 });
    expect(s.store.payments.get(1)?.status).toBe('COMPLETED');
    expect(s.kinds()).toEqual(['CHARGE', 'DEBIT']);
  });
});
