import { isPayable, type SeatChange, type SeatChangeListener } from '../../reservation';
import type { Clock, EventPublisher } from '../../shared';
import { paymentLedgerKeys } from '../../wallet';
import {
  gatewayKey,
  isTerminal,
  PAYMENT_COMPLETED,
  PAYMENT_FAILED,
  type Payment,
  type PaymentFailureReason,
  type PaymentStatus,
  type PaymentStep,
} from '../payment.entity';
import type { GatewayOutcome, PaymentGateway } from '../ports/payment-gateway.port';
import type { PaymentStore } from '../ports/payment-store.port';
import type { QueuePassSpender } from '../ports/saga-collaborators.port';

/** Plain JSON (a workflow step's memoised result). */
export interface SagaState {
  readonly paymentId: number;
  readonly status: PaymentStatus;
  readonly step: PaymentStep;
  readonly failureReason: PaymentFailureReason | null;
  /** True when this very call moved the payment (so exactly one of several duplicate runs announces the end). */
  readonly transitioned?: boolean;
}

export const SAGA_STAGES = ['debit', 'gateway', 'confirm-seat', 'complete', 'compensate'] as const;
export type SagaStage = (typeof SAGA_STAGES)[number];

/** The stage that moves a payment on from `step`; null once it is COMPLETED or FAILED. */
export function stageFor(step: PaymentStep): SagaStage | null {
  switch (step) {
    case 'CREATED':
      return 'debit';
    case 'DEBITED':
      return 'gateway';
    case 'CHARGED':
      return 'confirm-seat';
    case 'CONFIRMED':
      return 'complete';
    case 'COMPENSATING':
      return 'compensate';
    default:
      return null;
  }
}

export interface PaymentSagaDeps {
  readonly store: PaymentStore;
  readonly gateway: PaymentGateway;
  readonly passes: QueuePassSpender;
  /** Told once the seat is SOLD (the catalog evicts that section's cached availability). */
  readonly seats: SeatChangeListener;
  readonly events: EventPublisher;
  readonly clock: Clock;
  /** Gateway calls per stage before UNAVAILABLE is final (default 3), with a growing pause between them. */
  readonly gatewayAttempts?: number;
  readonly gatewayBackoffMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onWarning?: (message: string, details: Record<string, unknown>) => void;
}

const stateOf = (p: Payment): SagaState => ({
  paymentId: p.paymentId,
  status: p.status,
  step: p.step,
  failureReason: p.failureReason,
});

/**
 * The payment saga: debit -> gateway -> confirm seat -> complete (spend pass), compensating (refund, void) on any
 * failure after the debit. Each stage is idempotent and safe to run concurrently with itself (duplicate events,
 * retries, the reconciler): it re-reads the payment under its row lock and acts only if the payment is still at
 * the step the stage expects, so every payment takes exactly one path. Money and seat moves happen in the same
 * transaction as the step they record; the gateway is called outside any transaction.
 */
export function createPaymentSaga(deps: PaymentSagaDeps) {
  const attempts = Math.max(1, deps.gatewayAttempts ?? 3);
  const backoffMs = deps.gatewayBackoffMs ?? 200;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const warn = deps.onWarning ?? (() => {});

  async function load(paymentId: number): Promise<Payment> {
    const payment = await deps.store.findById(paymentId);
    if (!payment) throw new Error(`payment ${paymentId} not found`);
    return payment;
  }

  /** Under the payment's lock: run `act` only if the payment is still at `expected`. */
  function atStep(
    paymentId: number,
    expected: PaymentStep,
    act: (payment: Payment, tx: Parameters<Parameters<PaymentStore['transaction']>[0]>[0]) => Promise<SagaState>,
  ): Promise<SagaState> {
    return deps.store.transaction(async (tx) => {
      const payment = await tx.lockPayment(paymentId);
      if (!payment) throw new Error(`payment ${paymentId} not found`);
      return payment.step === expected ? { ...(await act(payment, tx)), transitioned: true } : stateOf(payment);
    });
  }

  async function withGatewayRetries<T extends { outcome?: string } | boolean>(
    call: () => Promise<T>,
    failed: (result: T) => boolean,
  ): Promise<T> {
    let result = await call();
    for (let attempt = 2; attempt <= attempts && failed(result); attempt++) {
      await sleep(backoffMs * (attempt - 1));
      result = await call();
    }
    return result;
  }

  /** CREATED -> DEBITED, or -> FAILED (INSUFFICIENT_BALANCE) with nothing taken. */
  function debit(paymentId: number): Promise<SagaState> {
    return atStep(paymentId, 'CREATED', async (p, tx) => {
      const keys = paymentLedgerKeys(paymentId);
      const debited = await tx.ledger.append({
        userId: p.userId,
        kind: 'DEBIT',
        amount: p.amount,
        idempotencyKey: keys.debit,
        reference: keys.reference,
      });
      if (!debited.ok && debited.error === 'INSUFFICIENT_BALANCE') {
        await tx.updatePayment(paymentId, { step: 'FAILED', status: 'FAILED', failureReason: 'INSUFFICIENT_BALANCE' });
        return { ...stateOf(p), step: 'FAILED', status: 'FAILED', failureReason: 'INSUFFICIENT_BALANCE' };
      }
      // Payment keys are reserved (users cannot charge with them), so a reuse here is a bug, not a user error.
      if (!debited.ok) throw new Error(`ledger key ${keys.debit} is taken by another entry`);
      await tx.updatePayment(paymentId, { step: 'DEBITED' });
      return { ...stateOf(p), step: 'DEBITED' };
    });
  }

  /** DEBITED -> CHARGED, or -> COMPENSATING (GATEWAY_DECLINED | GATEWAY_UNAVAILABLE). */
  async function chargeGateway(paymentId: number): Promise<SagaState> {
    const before = await load(paymentId);
    if (before.step !== 'DEBITED') return stateOf(before);
    const outcome: GatewayOutcome = await withGatewayRetries(
      () => deps.gateway.charge({ key: gatewayKey(paymentId), amount: before.amount, userId: before.userId }),
      (r) => r.outcome === 'UNAVAILABLE',
    );
    // The first run to record an outcome decides; a duplicate run that got here later follows that decision.
    return atStep(paymentId, 'DEBITED', async (p, tx) => {
      if (outcome.outcome === 'APPROVED') {
        await tx.updatePayment(paymentId, { step: 'CHARGED', gatewayRef: outcome.reference });
        return { ...stateOf(p), step: 'CHARGED' };
      }
      const reason: PaymentFailureReason = outcome.outcome === 'DECLINED' ? 'GATEWAY_DECLINED' : 'GATEWAY_UNAVAILABLE';
      if (outcome.reason)
        warn('gateway did not approve', { paymentId, outcome: outcome.outcome, reason: outcome.reason });
      await tx.updatePayment(paymentId, { step: 'COMPENSATING', failureReason: reason });
      return { ...stateOf(p), step: 'COMPENSATING', failureReason: reason };
    });
  }

  /** CHARGED -> CONFIRMED (seat SOLD, reservation CONFIRMED), or -> COMPENSATING (HOLD_EXPIRED). */
  async function confirmSeat(paymentId: number): Promise<SagaState> {
    let sold: SeatChange | null = null;
    const state = await atStep(paymentId, 'CHARGED', async (p, tx) => {
      const reservation = await tx.lockReservation(p.reservationId);
      const now = deps.clock.now();
      const stillHeld =
        reservation !== null &&
        reservation.userId === p.userId &&
        isPayable(reservation, now) &&
        (await tx.confirmSale(reservation, now));
      if (stillHeld && reservation) {
        sold = { seatId: reservation.seatId, scheduleId: reservation.scheduleId, sectionId: reservation.sectionId };
        await tx.updatePayment(paymentId, { step: 'CONFIRMED' });
        return { ...stateOf(p), step: 'CONFIRMED' };
      }
      // Expired (or released) while the money moved: the seat is not ours to sell, the money goes back.
      await tx.updatePayment(paymentId, { step: 'COMPENSATING', failureReason: 'HOLD_EXPIRED' });
      return { ...stateOf(p), step: 'COMPENSATING', failureReason: 'HOLD_EXPIRED' };
    });
    if (sold) await notifySeat(paymentId, sold);
    return state;
  }

  async function notifySeat(paymentId: number, change: SeatChange) {
    try {
      await deps.seats.seatChanged(change);
    } catch (error) {
      warn('seat change not announced', { paymentId, error: (error as Error).message });
    }
  }

  /** CONFIRMED -> COMPLETED, after the user's queue pass is spent (their ACTIVE slot goes to the next in line). */
  async function complete(paymentId: number): Promise<SagaState> {
    const before = await load(paymentId);
    if (before.step !== 'CONFIRMED') return stateOf(before);
    const reservation = await deps.store.findReservation(before.reservationId);
    if (reservation) await deps.passes.spend(before.userId, reservation.concertId);
    return atStep(paymentId, 'CONFIRMED', async (p, tx) => {
      const completedAt = deps.clock.now();
      await tx.updatePayment(paymentId, { step: 'COMPLETED', status: 'COMPLETED', completedAt });
      return { ...stateOf(p), step: 'COMPLETED', status: 'COMPLETED' };
    });
  }

  /** COMPENSATING -> FAILED: void at the gateway, refund the debit (if any) once, in the same transaction. */
  async function compensate(paymentId: number): Promise<SagaState> {
    const before = await load(paymentId);
    if (before.step !== 'COMPENSATING') return stateOf(before);
    // Every call for this payment shared the gateway key, so one void cancels whatever any of them charged.
    const voided = await withGatewayRetries(
      () => deps.gateway.void(gatewayKey(paymentId)),
      (ok) => !ok,
    );
    if (!voided) warn('gateway void got no answer; wallet refunded anyway', { paymentId });
    return atStep(paymentId, 'COMPENSATING', async (p, tx) => {
      const keys = paymentLedgerKeys(paymentId);
      const debit = await tx.ledger.findByKey(p.userId, keys.debit);
      if (debit) {
        const refunded = await tx.ledger.append({
          userId: p.userId,
          kind: 'REFUND',
          amount: debit.amount,
          idempotencyKey: keys.refund,
          reference: keys.reference,
        });
        if (!refunded.ok) throw new Error(`refund of payment ${paymentId} refused: ${refunded.error}`);
      }
      await tx.updatePayment(paymentId, { step: 'FAILED', status: 'FAILED' });
      return { ...stateOf(p), step: 'FAILED', status: 'FAILED' };
    });
  }

  /** Tells the rest of the product how a payment ended (notification, dashboards). Best effort, never throws. */
  async function announce(paymentId: number): Promise<void> {
    const payment = await load(paymentId);
    if (payment.status === 'COMPLETED') {
      const reservation = await deps.store.findReservation(payment.reservationId);
      if (!reservation) return;
      await deps.events.publish({
        name: PAYMENT_COMPLETED,
        data: {
          paymentId,
          userId: payment.userId,
          reservationId: payment.reservationId,
          concertId: reservation.concertId,
          scheduleId: reservation.scheduleId,
          sectionId: reservation.sectionId,
          seatId: reservation.seatId,
          amount: payment.amount,
          completedAt: (payment.completedAt ?? deps.clock.now()).toISOString(),
        },
      });
    } else if (payment.status === 'FAILED') {
      await deps.events.publish({
        name: PAYMENT_FAILED,
        data: {
          paymentId,
          userId: payment.userId,
          reservationId: payment.reservationId,
          failureReason: payment.failureReason ?? 'GATEWAY_UNAVAILABLE',
        },
      });
    }
  }

  const stages: Record<SagaStage, (paymentId: number) => Promise<SagaState>> = {
    debit,
    gateway: chargeGateway,
    'confirm-seat': confirmSeat,
    complete,
    compensate,
  };

  async function state(paymentId: number): Promise<SagaState | null> {
    const payment = await deps.store.findById(paymentId);
    return payment ? stateOf(payment) : null;
  }

  /**
   * Runs every remaining stage in this process until the payment is COMPLETED or FAILED (the reconciler and
   * tests use it; the workflow runs the same stages one durable step at a time). Announces the end only if this
   * call made the final move, so duplicate runs announce once.
   */
  async function drive(paymentId: number): Promise<SagaState | null> {
    let current = await state(paymentId);
    if (!current) return null;
    for (let i = 0; i < SAGA_STAGES.length + 1 && !isTerminal(current.step); i++) {
      const stage = stageFor(current.step);
      if (!stage) break;
      current = await stages[stage](paymentId);
    }
    if (current.transitioned && isTerminal(current.step)) await announce(paymentId);
    return current;
  }

  return {
    state,
    debit,
    chargeGateway,
    confirmSeat,
    complete,
    compensate,
    announce,
    drive,
    runStage: (stage: SagaStage, paymentId: number) => stages[stage](paymentId),
  };
}

export type PaymentSaga = ReturnType<typeof createPaymentSaga>;
