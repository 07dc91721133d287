import { DomainError } from '../shared';

export type PayReservationNotFound = DomainError<'RESERVATION_NOT_FOUND'>;
export type PaymentNotFound = DomainError<'PAYMENT_NOT_FOUND'>;
export type PaymentNotOwner = DomainError<'NOT_OWNER'>;
export type ReservationNotPayable = DomainError<'RESERVATION_NOT_PAYABLE'>;
export type PaymentKeyReused = DomainError<'IDEMPOTENCY_KEY_REUSED'>;
export type InvalidPaymentInput = DomainError<'INVALID_INPUT'>;

export const payReservationNotFound = (reservationId: number): PayReservationNotFound =>
  new DomainError('RESERVATION_NOT_FOUND', `Reservation ${reservationId} not found`, { reservationId });

export const paymentNotFound = (paymentId: number): PaymentNotFound =>
  new DomainError('PAYMENT_NOT_FOUND', `Payment ${paymentId} not found`, { paymentId });

export const paymentNotOwner = (what: string): PaymentNotOwner =>
  new DomainError('NOT_OWNER', `${what} belongs to another user`);

export const reservationNotPayable = (reservationId: number, why: string): ReservationNotPayable =>
  new DomainError('RESERVATION_NOT_PAYABLE', `Reservation ${reservationId} cannot be paid: ${why}`, {
    reservationId,
  });

export const paymentKeyReused = (idempotencyKey: string): PaymentKeyReused =>
  new DomainError(
    'IDEMPOTENCY_KEY_REUSED',
    `Idempotency key "${idempotencyKey}" was already used for another reservation`,
    {
      idempotencyKey,
    },
  );

export const invalidPaymentInput = (message: string): InvalidPaymentInput => new DomainError('INVALID_INPUT', message);
