import { isPayable } from '../../reservation';
import { type Clock, type DomainError, type EventPublisher, err, ok, type Result } from '../../shared';
import { IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_MIN } from '../../wallet';
import { PAYMENT_REQUESTED, type Payment, type PaymentStatus } from '../payment.entity';
import {
  type InvalidPaymentInput,
  invalidPaymentInput,
  type PaymentKeyReused,
  type PaymentNotOwner,
  type PayReservationNotFound,
  paymentKeyReused,
  paymentNotOwner,
  payReservationNotFound,
  type ReservationNotPayable,
  reservationNotPayable,
} from '../payment.errors';
import type { PaymentStore } from '../ports/payment-store.port';

export interface RequestPaymentInput {
  readonly userId: number;
  readonly reservationId: number;
  readonly idempotencyKey: string;
  /**
   * The caller's ACTIVE-pass check for the reservation's concert (the pass comes with the request). Returns the
   * error to answer with, or null when the pass is ACTIVE.
   */
  readonly verifyPass: (concertId: number) => Promise<DomainError | null>;
}

export interface RequestPaymentOutput {
  readonly paymentId: number;
  readonly status: PaymentStatus;
  /** False for an idempotent repeat or when the reservation's PENDING payment was returned. */
  readonly created: boolean;
}

export type RequestPaymentError =
  | InvalidPaymentInput
  | PayReservationNotFound
  | PaymentNotOwner
  | ReservationNotPayable
  | PaymentKeyReused
  | DomainError;

/**
 * `payment.pay`: records a PENDING payment and asks the saga to run it; answers at once, never waiting on the
 * wallet or the gateway.
 *
 * - Idempotent on (user, key): the same key for the same reservation returns that payment (its current status),
 *   checked before anything else so a repeat still answers after the pass was spent; another reservation is
 *   IDEMPOTENCY_KEY_REUSED.
 * - One live payment per reservation: while one is PENDING, paying again (with any key) returns it; once one is
 *   COMPLETED the reservation is CONFIRMED and so RESERVATION_NOT_PAYABLE. After a FAILED payment the user may
 *   pay again while the hold lasts. The reservation row lock makes this hold under concurrency.
 */
export function createRequestPayment(deps: { store: PaymentStore; events: EventPublisher; clock: Clock }) {
  const replay = (payment: Payment, reservationId: number, key: string) =>
    payment.reservationId === reservationId
      ? ok({ paymentId: payment.paymentId, status: payment.status, created: false })
      : err(paymentKeyReused(key));

  return async (input: RequestPaymentInput): Promise<Result<RequestPaymentOutput, RequestPaymentError>> => {
    const { userId, reservationId, idempotencyKey } = input;
    if (idempotencyKey.length < IDEMPOTENCY_KEY_MIN || idempotencyKey.length > IDEMPOTENCY_KEY_MAX)
      return err(
        invalidPaymentInput(`idempotencyKey must be ${IDEMPOTENCY_KEY_MIN}-${IDEMPOTENCY_KEY_MAX} characters`),
      );

    // Both reads at once: one round trip of latency on the request path instead of two.
    const [previous, reservation] = await Promise.all([
      deps.store.findByUserKey(userId, idempotencyKey),
      deps.store.findReservation(reservationId),
    ]);
    if (previous) return replay(previous, reservationId, idempotencyKey);

    if (!reservation) return err(payReservationNotFound(reservationId));
    if (reservation.userId !== userId) return err(paymentNotOwner(`Reservation ${reservationId}`));
    const passError = await input.verifyPass(reservation.concertId);
    if (passError) return err(passError);
    if (!isPayable(reservation, deps.clock.now()))
      return err(
        reservationNotPayable(
          reservationId,
          `it is ${reservation.status === 'HELD' ? 'past its deadline' : reservation.status}`,
        ),
      );

    const outcome = await deps.store.transaction(async (tx) => {
      const locked = await tx.lockReservation(reservationId);
      if (!locked || !isPayable(locked, deps.clock.now())) return { kind: 'not-payable' as const };
      const live = await tx.findLivePayment(reservationId);
      if (live?.status === 'COMPLETED') return { kind: 'not-payable' as const };
      if (live) return { kind: 'live' as const, payment: live };
      const inserted = await tx.insertPayment({ userId, reservationId, amount: locked.amount, idempotencyKey });
      return inserted === 'DUPLICATE_KEY'
        ? { kind: 'duplicate' as const }
        : { kind: 'created' as const, payment: inserted };
    });

    switch (outcome.kind) {
      case 'not-payable':
        return err(reservationNotPayable(reservationId, 'it is no longer held'));
      case 'live':
        return ok({ paymentId: outcome.payment.paymentId, status: outcome.payment.status, created: false });
      case 'duplicate': {
        // An identical request won the race for this key: answer with its payment.
        const winner = await deps.store.findByUserKey(userId, idempotencyKey);
        if (!winner) throw new Error(`payment with key ${idempotencyKey} vanished`);
        return replay(winner, reservationId, idempotencyKey);
      }
      case 'created':
        // After the commit, bounded and never failing: if the event is lost, the reconciler drives the payment.
        await deps.events.publish({
          name: PAYMENT_REQUESTED,
          data: { paymentId: outcome.payment.paymentId, userId, reservationId },
        });
        return ok({ paymentId: outcome.payment.paymentId, status: outcome.payment.status, created: true });
    }
  };
}

export type RequestPayment = ReturnType<typeof createRequestPayment>;
