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

export interface Payment {
  readonly paymentId: number;
  readonly reservationId: number;
  readonly userId: number;
  readonly amount: number;
  readonly status: PaymentStatus;
  readonly failureReason: PaymentFailureReason | null;
  readonly idempotencyKey: string;
  readonly completedAt: Date | null;
}
