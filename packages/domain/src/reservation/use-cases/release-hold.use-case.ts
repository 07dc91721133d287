import type { EventPublisher } from '../../shared';
import { err, ok, type Result } from '../../shared';
import type { ReservationRepository } from '../ports/reservation-repository.port';
import type { SeatChangeListener } from '../ports/seat-change-listener.port';
import {
  type ReleaseHoldError,
  reservationNotFound,
  reservationNotOwner,
  reservationNotReleasable,
} from '../reservation.errors';
import { holdReleased } from '../reservation.events';

export interface ReleaseHoldDeps {
  readonly reservations: ReservationRepository;
  readonly events: EventPublisher;
  readonly seatChanges: SeatChangeListener;
}

export interface ReleaseHoldInput {
  readonly userId: number;
  readonly reservationId: number;
}

/**
 * The holder gives a seat back. Only the owner, only while HELD; the write is conditional on both, so a
 * release racing a sale or an expiry changes nothing if it loses.
 */
export function createReleaseHold(deps: ReleaseHoldDeps) {
  return async function releaseHold(
    input: ReleaseHoldInput,
  ): Promise<Result<{ reservationId: number; status: 'RELEASED' }, ReleaseHoldError>> {
    const reservation = await deps.reservations.findById(input.reservationId);
    if (!reservation) return err(reservationNotFound(input.reservationId));
    if (reservation.userId !== input.userId) return err(reservationNotOwner(input.reservationId));
    if (reservation.status !== 'HELD') return err(reservationNotReleasable(input.reservationId, reservation.status));
    const released = await deps.reservations.release(input.reservationId, input.userId);
    if (!released) {
      // Lost a race with a sale or an expiry since the read: report what it became.
      const now = await deps.reservations.findById(input.reservationId);
      return err(reservationNotReleasable(input.reservationId, now?.status ?? 'gone'));
    }
    await Promise.all([deps.events.publish(holdReleased(reservation)), deps.seatChanges.seatChanged(reservation)]);
    return ok({ reservationId: input.reservationId, status: 'RELEASED' as const });
  };
}

export type ReleaseHold = ReturnType<typeof createReleaseHold>;
