import { type Clock, err, ok, type Result } from '../../shared';
import { type ConcertNotFound, concertNotFound } from '../catalog.errors';
import type { CatalogRepository, DateAvailability } from '../ports/catalog-repository.port';

export interface AvailableDatesOutput {
  readonly concertId: number;
  readonly dates: readonly DateAvailability[];
}

/** Every date of the concert that has not started yet, with its count of available seats, by start time. */
export function createAvailableDates(deps: { catalog: CatalogRepository; clock: Clock }) {
  return async (concertId: number): Promise<Result<AvailableDatesOutput, ConcertNotFound>> => {
    const now = deps.clock.now();
    const snapshot = await deps.catalog.concertDates(concertId, now);
    if (!snapshot) return err(concertNotFound(concertId));
    // A cached snapshot may be older than a date's start: drop dates that have begun since it was read.
    const nowMs = now.getTime();
    const dates = snapshot.dates.every((d) => d.startsAt.getTime() > nowMs)
      ? snapshot.dates
      : snapshot.dates.filter((d) => d.startsAt.getTime() > nowMs);
    return ok({ concertId, dates });
  };
}

export type AvailableDates = ReturnType<typeof createAvailableDates>;
