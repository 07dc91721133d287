import type { Reservation } from '../../reservation';
import type { WalletLedger } from '../../wallet';
import type { Payment, PaymentFailureReason, PaymentStatus, PaymentStep } from '../payment.entity';

export interface NewPayment {
  readonly userId: number;
  readonly reservationId: number;
  readonly amount: number;
  readonly idempotencyKey: string;
}

export interface PaymentPatch {
  readonly step: PaymentStep;
  readonly status?: PaymentStatus;
  readonly failureReason?: PaymentFailureReason | null;
  readonly gatewayRef?: string | null;
  readonly completedAt?: Date | null;
}

/**
 * What the payment use cases may do inside ONE database transaction. Locks are taken in one order everywhere
 * (payment row, then reservation, then seat, then wallet), so the saga's steps never deadlock each other.
 */
export interface PaymentWork {
  /** The payment row, locked until the transaction ends (SELECT ... FOR UPDATE). */
  lockPayment(paymentId: number): Promise<Payment | null>;
  updatePayment(paymentId: number, patch: PaymentPatch): Promise<void>;
  /** The reservation row, locked until the transaction ends. */
  lockReservation(reservationId: number): Promise<Reservation | null>;
  /** The PENDING or COMPLETED payment of a reservation, if any (at most one exists: see request-payment). */
  findLivePayment(reservationId: number): Promise<Payment | null>;
  /** Inserts a PENDING payment at step CREATED; 'DUPLICATE_KEY' when (user, key) is already taken. */
  insertPayment(payment: NewPayment): Promise<Payment | 'DUPLICATE_KEY'>;
  /**
   * The sale, both rows or neither: seat HELD by `reservation.userId` -> SOLD and reservation HELD -> CONFIRMED.
   * Conditional updates: false (and nothing written) when the seat or reservation is no longer held, or its
   * deadline is not later than `now`.
   */
  confirmSale(reservation: Reservation, now: Date): Promise<boolean>;
  /** The wallet, bound to this same transaction. */
  readonly ledger: WalletLedger;
}

export interface PaymentStore {
  findById(paymentId: number): Promise<Payment | null>;
  findByUserKey(userId: number, idempotencyKey: string): Promise<Payment | null>;
  findReservation(reservationId: number): Promise<Reservation | null>;
  /** Ids of payments still PENDING whose row has not moved since `before`, oldest first. */
  findStalePending(before: Date, limit: number): Promise<number[]>;
  /**
   * Runs `work` in one transaction and commits what it wrote unless it throws. It may be run again from the
   * start when the database picks it as a deadlock victim, so `work` must read everything it decides on.
   */
  transaction<T>(work: (tx: PaymentWork) => Promise<T>): Promise<T>;
}
