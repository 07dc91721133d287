import type { Transitions } from '../shared';

/** PENDING -> COMPLETED | FAILED. FAILED means no money was kept; COMPLETED means debited exactly once. */
export const PAYMENT_STATUSES = ['PENDING', 'COMPLETED', 'FAILED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const PAYMENT_FAILURE_REASONS = [
  'INSUFFICIENT_BALANCE',
  'HOLD_EXPIRED',
  'GATEWAY_DECLINED',
  'GATEWAY_UNAVAILABLE',
] as const;
export type PaymentFailureReason = (typeof PAYMENT_FAILURE_REASONS)[number];

export const PAYMENT_TRANSITIONS: Transitions<PaymentStatus> = {
  PENDING: ['COMPLETED', 'FAILED'],
  COMPLETED: [],
  FAILED: [],
};

/**
 * How far the saga got (`payments.step`). Every move happens under the payment row's lock and only from the
 * step it expects, so duplicate runs of the saga agree on one path:
 *
 *   CREATED -> DEBITED -> CHARGED -> CONFIRMED -> COMPLETED          (status PENDING until COMPLETED)
 *   CREATED -> FAILED                                                 (insufficient balance: nothing taken)
 *   DEBITED | CHARGED -> COMPENSATING -> FAILED                       (declined, unavailable, hold expired)
 *
 * COMPENSATING is a decision already taken (the reason is stored): the refund and gateway void follow, and
 * nothing may move the payment forward again. Once CONFIRMED (seat sold) the saga only moves forward.
 */
export const PAYMENT_STEPS = [
  'CREATED',
  'DEBITED',
  'CHARGED',
  'CONFIRMED',
  'COMPENSATING',
  'COMPLETED',
  'FAILED',
] as const;
export type PaymentStep = (typeof PAYMENT_STEPS)[number];

export const PAYMENT_STEP_TRANSITIONS: Transitions<PaymentStep> = {
  CREATED: ['DEBITED', 'FAILED'],
  DEBITED: ['CHARGED', 'COMPENSATING'],
  CHARGED: ['CONFIRMED', 'COMPENSATING'],
  CONFIRMED: ['COMPLETED'],
  COMPENSATING: ['FAILED'],
  COMPLETED: [],
  FAILED: [],
};

export interface Payment {
  readonly paymentId: number;
  readonly reservationId: number;
  readonly userId: number;
  readonly amount: number;
  readonly status: PaymentStatus;
  readonly failureReason: PaymentFailureReason | null;
  readonly idempotencyKey: string;
  readonly completedAt: Date | null;
  readonly step: PaymentStep;
  /** The gateway's reference for an approved charge. */
  readonly gatewayRef: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export function isTerminal(step: PaymentStep): boolean {
  return step === 'COMPLETED' || step === 'FAILED';
}

/** The key the gateway sees for a payment: every call for one payment (charge, retry, void) shares it. */
export function gatewayKey(paymentId: number): string {
  return `payment-${paymentId}`;
}

/** What `payment.status` shows. */
export interface PaymentView {
  readonly paymentId: number;
  readonly reservationId: number;
  readonly amount: number;
  readonly status: PaymentStatus;
  readonly failureReason: PaymentFailureReason | null;
  readonly completedAt: string | null;
}

export function toPaymentView(payment: Payment): PaymentView {
  return {
    paymentId: payment.paymentId,
    reservationId: payment.reservationId,
    amount: payment.amount,
    status: payment.status,
    failureReason: payment.failureReason,
    completedAt: payment.completedAt?.toISOString() ?? null,
  };
}

/** Events of the payment context (payloads are checked in the adapters' EVENT_SCHEMAS). */
export const PAYMENT_REQUESTED = 'payment/requested' as const;
export const PAYMENT_COMPLETED = 'payment/completed' as const;
export const PAYMENT_FAILED = 'payment/failed' as const;
