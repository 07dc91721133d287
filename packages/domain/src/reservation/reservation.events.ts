import type { DomainEvent } from '../shared';
import type { Reservation } from './reservation.entity';

/** Names of the events this context announces; payload schemas live in the adapters' event registry. */
export const RESERVATION_EVENTS = {
  held: 'reservation/seat.held',
  released: 'reservation/hold.released',
  expired: 'reservation/hold.expired',
} as const;

export interface SeatHeldData {
  readonly reservationId: number;
  readonly userId: number;
  readonly seatId: number;
  readonly scheduleId: number;
  readonly sectionId: number;
  readonly concertId: number;
  readonly amount: number;
  /** ISO-8601: the moment the hold lapses unless paid. */
  readonly expiresAt: string;
}

export type HoldEndedData = Omit<SeatHeldData, 'amount' | 'expiresAt'>;

export function seatHeld(r: Reservation): DomainEvent<typeof RESERVATION_EVENTS.held, SeatHeldData> {
  return {
    name: RESERVATION_EVENTS.held,
    data: {
      reservationId: r.reservationId,
      userId: r.userId,
      seatId: r.seatId,
      scheduleId: r.scheduleId,
      sectionId: r.sectionId,
      concertId: r.concertId,
      amount: r.amount,
      expiresAt: r.expiresAt.toISOString(),
    },
  };
}

function holdEnded<N extends string>(name: N, r: Reservation): DomainEvent<N, HoldEndedData> {
  return {
    name,
    data: {
      reservationId: r.reservationId,
      userId: r.userId,
      seatId: r.seatId,
      scheduleId: r.scheduleId,
      sectionId: r.sectionId,
      concertId: r.concertId,
    },
  };
}

export const holdReleased = (r: Reservation) => holdEnded(RESERVATION_EVENTS.released, r);
export const holdExpired = (r: Reservation) => holdEnded(RESERVATION_EVENTS.expired, r);
