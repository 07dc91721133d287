import type { Transitions } from '../shared';

/** A seat is AVAILABLE, HELD by one user until a deadline, or SOLD. SOLD is final. */
export const SEAT_STATUSES = ['AVAILABLE', 'HELD', 'SOLD'] as const;
export type SeatStatus = (typeof SEAT_STATUSES)[number];

export const SEAT_TRANSITIONS: Transitions<SeatStatus> = {
  AVAILABLE: ['HELD'],
  HELD: ['SOLD', 'AVAILABLE'],
  SOLD: [],
};

export interface Seat {
  readonly seatId: number;
  readonly scheduleId: number;
  readonly sectionId: number;
  readonly row: string;
  readonly number: number;
  readonly price: number;
  readonly status: SeatStatus;
  readonly holderId: number | null;
  readonly heldUntil: Date | null;
}

/** A HELD seat whose deadline passed counts as available to readers even before the expiry job runs. */
export function isSeatAvailable(seat: Pick<Seat, 'status' | 'heldUntil'>, now: Date): boolean {
  if (seat.status === 'AVAILABLE') return true;
  return seat.status === 'HELD' && seat.heldUntil !== null && seat.heldUntil.getTime() <= now.getTime();
}
