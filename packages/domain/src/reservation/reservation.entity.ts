import type { Transitions } from '../shared';

/** HELD -> CONFIRMED (paid) | RELEASED (by the user) | EXPIRED (deadline passed). The last three are final. */
export const RESERVATION_STATUSES = ['HELD', 'CONFIRMED', 'RELEASED', 'EXPIRED'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

export const RESERVATION_TRANSITIONS: Transitions<ReservationStatus> = {
  HELD: ['CONFIRMED', 'RELEASED', 'EXPIRED'],
  CONFIRMED: [],
  RELEASED: [],
  EXPIRED: [],
};

export interface Reservation {
  readonly reservationId: number;
  readonly userId: number;
  readonly seatId: number;
  readonly scheduleId: number;
  readonly concertId: number;
  readonly sectionId: number;
  readonly amount: number;
  readonly status: ReservationStatus;
  readonly expiresAt: Date;
}

/** Only a HELD reservation before its deadline may be paid. */
export function isPayable(reservation: Pick<Reservation, 'status' | 'expiresAt'>, now: Date): boolean {
  return reservation.status === 'HELD' && reservation.expiresAt.getTime() > now.getTime();
}
