import { type Clock, type DomainError, type EventPublisher, err, ok, type Result } from '../../shared';
import type { ReservationRepository, SeatRef } from '../ports/reservation-repository.port';
import type { SeatChangeListener } from '../ports/seat-change-listener.port';
import type { Reservation } from '../reservation.entity';
import { type HoldSeatError, holdLimitReached, seatNotFound, seatUnavailable } from '../reservation.errors';
import { holdExpired, seatHeld } from '../reservation.events';

/** Decides whether the caller may hold seats of this concert (the waiting-room pass); null means yes. */
export type HoldAccessCheck = (
  seat: SeatRef,
) => Promise<DomainError<'QUEUE_TOKEN_INVALID' | 'QUEUE_NOT_ACTIVE'> | null>;

export interface HoldSeatDeps {
  readonly reservations: ReservationRepository;
  readonly clock: Clock;
  readonly events: EventPublisher;
  readonly seatChanges: SeatChangeListener;
  readonly holdTtlSeconds: number;
  readonly holdLimitPerDate: number;
  /**
   * Only for NOTIFY_MODE=sync, reproducing the seed's blocking notifier: awaited after the commit. Its failure
   * is swallowed; the hold stands either way. Normally notices go out from a workflow off the request path.
   */
  readonly notifyOnRequestPath?: (reservation: Reservation) => Promise<void>;
}

export interface HoldSeatInput {
  readonly userId: number;
  readonly seatId: number;
  /** Runs once the seat (hence its concert) is known, before anything is written. */
  readonly checkAccess?: HoldAccessCheck;
}

/**
 * Hold a seat for `holdTtlSeconds`. The repository does it in one transaction with a conditional update, so
 * under any concurrency exactly one contender gets the seat and the others get SEAT_UNAVAILABLE. Announcing
 * it (the expiry workflow, the notice, the catalog eviction) happens after the commit and cannot fail the hold.
 */
export function createHoldSeat(deps: HoldSeatDeps) {
  return async function holdSeat(input: HoldSeatInput): Promise<Result<Reservation, HoldSeatError>> {
    const seat = await deps.reservations.findSeat(input.seatId);
    if (!seat) return err(seatNotFound(input.seatId));
    if (input.checkAccess) {
      const denied = await input.checkAccess(seat);
      if (denied) return err(denied);
    }
    const now = deps.clock.now();
    const expiresAt = new Date(now.getTime() + deps.holdTtlSeconds * 1000);
    const outcome = await deps.reservations.hold({
      userId: input.userId,
      seat,
      now,
      expiresAt,
      limitPerDate: deps.holdLimitPerDate,
    });
    if (!outcome.ok) {
      return err(
        outcome.error === 'HOLD_LIMIT_REACHED'
          ? holdLimitReached(seat.scheduleId, deps.holdLimitPerDate)
          : seatUnavailable(seat.seatId),
      );
    }
    const { reservation, replaced } = outcome.value;
    const events = replaced ? [seatHeld(reservation), holdExpired(replaced)] : [seatHeld(reservation)];
    await Promise.all([deps.events.publish(...events), deps.seatChanges.seatChanged(seat)]);
    if (deps.notifyOnRequestPath) await deps.notifyOnRequestPath(reservation).catch(() => undefined);
    return ok(reservation);
  };
}

export type HoldSeat = ReturnType<typeof createHoldSeat>;
