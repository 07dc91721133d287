import type { Clock } from '../../shared';
import { ok, type Result } from '../../shared';
import type { ReservationRepository } from '../ports/reservation-repository.port';
import type { Reservation } from '../reservation.entity';

export interface ListMyReservationsDeps {
  readonly reservations: ReservationRepository;
  readonly clock: Clock;
  /** Bound on how many are returned (most recent first). */
  readonly limit?: number;
}

/**
 * The user's reservations, most recent first. A HELD one past its deadline is reported as EXPIRED even before
 * the expiry workflow has written it, because that is what it already is for the user (it cannot be paid).
 */
export function createListMyReservations(deps: ListMyReservationsDeps) {
  const limit = deps.limit ?? 50;
  return async function listMyReservations(input: { userId: number }): Promise<Result<Reservation[], never>> {
    const now = deps.clock.now().getTime();
    const rows = await deps.reservations.listByUser(input.userId, limit);
    return ok(
      rows.map((r) => (r.status === 'HELD' && r.expiresAt.getTime() <= now ? { ...r, status: 'EXPIRED' as const } : r)),
    );
  };
}

export type ListMyReservations = ReturnType<typeof createListMyReservations>;
