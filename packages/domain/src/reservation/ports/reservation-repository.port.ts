import type { Result } from '../../shared';
import type { Reservation } from '../reservation.entity';

/** What a hold needs to know about a seat. Immutable facts (a seat never changes date, section or price). */
export interface SeatRef {
  readonly seatId: number;
  readonly scheduleId: number;
  readonly sectionId: number;
  readonly concertId: number;
  /** The section's price: the amount of a reservation on this seat. */
  readonly price: number;
}

export interface HoldRequest {
  readonly userId: number;
  readonly seat: SeatRef;
  readonly now: Date;
  readonly expiresAt: Date;
  /** Most HELD, unexpired reservations one user may have on the seat's date, counting this one. */
  readonly limitPerDate: number;
}

export interface HoldSuccess {
  readonly reservation: Reservation;
  /** A hold whose deadline had passed but that no sweeper had expired yet; this hold took its seat over. */
  readonly replaced: Reservation | null;
}

export type HoldRejection = 'SEAT_UNAVAILABLE' | 'HOLD_LIMIT_REACHED';

/**
 * Persistence of holds. Every state change is ONE atomic, conditional write so that concurrency is decided by
 * the database, never by a read-then-write in application code:
 * - `hold`: seat AVAILABLE (or HELD past its deadline) -> HELD by the user, plus the HELD reservation row, in one
 *   transaction that also enforces the per-date limit under a per-user lock. Exactly one contender per seat wins.
 * - `release` / `expire` / `confirmSale`: change the reservation and its seat together, only if the reservation
 *   is still HELD and the seat is still HELD by its owner, so none of them can undo another (a sale is never
 *   undone by an expiry, an expiry never frees a seat someone else holds now).
 */
export interface ReservationRepository {
  findSeat(seatId: number): Promise<SeatRef | null>;
  hold(request: HoldRequest): Promise<Result<HoldSuccess, HoldRejection>>;
  findById(reservationId: number): Promise<Reservation | null>;
  /** HELD -> RELEASED and the seat -> AVAILABLE, only if HELD and owned by `userId`. True when it happened. */
  release(reservationId: number, userId: number): Promise<boolean>;
  /** HELD -> EXPIRED and the seat -> AVAILABLE, only if HELD and its deadline is <= `now`. True when it happened. */
  expire(reservationId: number, now: Date): Promise<boolean>;
  /** HELD reservations whose deadline is <= `now`, oldest deadline first. */
  listDueHolds(now: Date, limit: number): Promise<Reservation[]>;
  /** A user's reservations, most recent first. */
  listByUser(userId: number, limit: number): Promise<Reservation[]>;
  /**
   * HELD -> CONFIRMED and the seat -> SOLD, only if still HELD by its owner (and, when `notAfter` is given, its
   * deadline is later than it). For the payment saga. True when it happened.
   */
  confirmSale(reservationId: number, options?: { notAfter?: Date }): Promise<boolean>;
}
