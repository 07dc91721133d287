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
    data: { ...reservationRef(r), amount: r.amount, expiresAt: r.expiresAt.toISOString() },
  };
}

/** The ids every reservation event carries. */
function reservationRef(r: Reservation): HoldEndedData {
  return {
    reservationId: r.reservationId,
    userId: r.userId,
    seatId: r.seatId,
    scheduleId: r.scheduleId,
    sectionId: r.sectionId,
    concertId: r.concertId,
  };
}

function holdEnded<N extends string>(name: N, r: Reservation): DomainEvent<N, HoldEndedData> {
  return { name, data: reservationRef(r) };
}

export const holdReleased = (r: Reservation) => holdEnded(RESERVATION_EVENTS.released, r);
export const holdExpired = (r: Reservation) => holdEnded(RESERVATION_EVENTS.expired, r);
