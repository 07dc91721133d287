import { DomainError } from '../shared';

/** Stable failure codes of the reservation use cases; the API maps each through the one error table. */
export type HoldSeatError = DomainError<
  'SEAT_NOT_FOUND' | 'SEAT_UNAVAILABLE' | 'HOLD_LIMIT_REACHED' | 'QUEUE_TOKEN_INVALID' | 'QUEUE_NOT_ACTIVE'
>;
export type ReleaseHoldError = DomainError<'RESERVATION_NOT_FOUND' | 'NOT_OWNER' | 'INVALID_TRANSITION'>;

export const seatNotFound = (seatId: number) =>
  new DomainError('SEAT_NOT_FOUND', `Seat ${seatId} not found`, { seatId });
export const seatUnavailable = (seatId: number) =>
  new DomainError('SEAT_UNAVAILABLE', `Seat ${seatId} is already held or sold`, { seatId });
export const holdLimitReached = (scheduleId: number, limit: number) =>
  new DomainError('HOLD_LIMIT_REACHED', `At most ${limit} holds per user on one date`, { scheduleId, limit });
export const reservationNotFound = (reservationId: number) =>
  new DomainError('RESERVATION_NOT_FOUND', `Reservation ${reservationId} not found`, { reservationId });
export const reservationNotOwner = (reservationId: number) =>
  new DomainError('NOT_OWNER', `Reservation ${reservationId} belongs to someone else`, { reservationId });
export const reservationNotReleasable = (reservationId: number, status: string) =>
  new DomainError('INVALID_TRANSITION', `Reservation ${reservationId} is ${status}: only a HELD one can be released`, {
    reservationId,
    from: status,
    to: 'RELEASED',
  });
