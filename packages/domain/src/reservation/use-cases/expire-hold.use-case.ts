import type { Clock, EventPublisher } from '../../shared';
import type { ReservationRepository } from '../ports/reservation-repository.port';
import type { SeatChangeListener } from '../ports/seat-change-listener.port';
import type { Reservation } from '../reservation.entity';
import { holdExpired } from '../reservation.events';

export interface ExpireHoldDeps {
  readonly reservations: ReservationRepository;
  readonly clock: Clock;
  readonly events: EventPublisher;
  readonly seatChanges: SeatChangeListener;
}

/** What an expiry attempt found. Only `expired` changed anything. */
export type ExpireOutcome = 'expired' | 'not-due' | 'not-held' | 'not-found';

/**
 * Expire one hold whose deadline has passed. The write is conditional (reservation still HELD, deadline passed,
 * seat still HELD by its owner), so running it late, twice, or racing a sale or a release is harmless: a sale
 * that committed first is never undone.
 */
export function createExpireHold(deps: ExpireHoldDeps) {
  return async function expireHold(input: { reservationId: number }): Promise<ExpireOutcome> {
    const reservation = await deps.reservations.findById(input.reservationId);
    if (!reservation) return 'not-found';
    return expireKnown(deps, reservation);
  };
}

/**
 * The reconciler: sweeps every hold past its deadline, whatever happened to its own expiry workflow (crash,
 * restart of the local runner, lost event). Callable on a schedule and directly.
 */
export function createExpireDueHolds(deps: ExpireHoldDeps & { readonly batchSize?: number }) {
  const batchSize = deps.batchSize ?? 500;
  return async function expireDueHolds(input: { maxBatches?: number } = {}): Promise<{ expired: number }> {
    let expired = 0;
    for (let batch = 0; batch < (input.maxBatches ?? 20); batch++) {
      const due = await deps.reservations.listDueHolds(deps.clock.now(), batchSize);
      for (const reservation of due) if ((await expireKnown(deps, reservation)) === 'expired') expired++;
      if (due.length < batchSize) break;
    }
    return { expired };
  };
}

/** Ids of holds past their deadline, oldest first: what the reconciler function re-drives, a batch at a time. */
export function createFindDueHolds(deps: Pick<ExpireHoldDeps, 'reservations' | 'clock'>) {
  return async function findDueHolds(input: { limit?: number } = {}): Promise<number[]> {
    const due = await deps.reservations.listDueHolds(deps.clock.now(), input.limit ?? 500);
    return due.map((r) => r.reservationId);
  };
}

async function expireKnown(deps: ExpireHoldDeps, reservation: Reservation): Promise<ExpireOutcome> {
  if (reservation.status !== 'HELD') return 'not-held';
  const now = deps.clock.now();
  if (reservation.expiresAt.getTime() > now.getTime()) return 'not-due';
  if (!(await deps.reservations.expire(reservation.reservationId, now))) return 'not-held';
  await Promise.all([deps.events.publish(holdExpired(reservation)), deps.seatChanges.seatChanged(reservation)]);
  return 'expired';
}

export type ExpireHold = ReturnType<typeof createExpireHold>;
export type ExpireDueHolds = ReturnType<typeof createExpireDueHolds>;
export type FindDueHolds = ReturnType<typeof createFindDueHolds>;
