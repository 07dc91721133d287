import { type Clock, err, ok, type Result } from '../../shared';
import { type ScheduleNotFound, type SectionNotFound, scheduleNotFound, sectionNotFound } from '../catalog.errors';
import type { AvailableSeat, CatalogRepository } from '../ports/catalog-repository.port';

export interface AvailableSeatsInput {
  readonly scheduleId: number;
  /** Absent: the seats of every section of the date. */
  readonly sectionId?: number;
}

export interface AvailableSeatsOutput {
  readonly scheduleId: number;
  readonly seats: readonly AvailableSeat[];
}

/**
 * Available seats of a date, of one section or of all. A section of another date is SECTION_NOT_FOUND, so a
 * client can never read seats through a mismatched pair of ids.
 */
export function createAvailableSeats(deps: { catalog: CatalogRepository; clock: Clock }) {
  return async (
    input: AvailableSeatsInput,
  ): Promise<Result<AvailableSeatsOutput, ScheduleNotFound | SectionNotFound>> => {
    const { scheduleId, sectionId } = input;
    const now = deps.clock.now();
    const schedule = await deps.catalog.scheduleSections(scheduleId, now);
    if (!schedule) return err(scheduleNotFound(scheduleId));
    let sectionIds: number[];
    if (sectionId === undefined) {
      sectionIds = schedule.sections.map((s) => s.sectionId);
    } else {
      if (!schedule.sections.some((s) => s.sectionId === sectionId)) return err(sectionNotFound(scheduleId, sectionId));
      sectionIds = [sectionId];
    }
    if (sectionIds.length === 0) return ok({ scheduleId, seats: [] });
    const perSection = await deps.catalog.sectionSeats(scheduleId, sectionIds, now);
    const seats = perSection.length === 1 ? (perSection[0]?.seats ?? []) : perSection.flatMap((s) => s.seats);
    return ok({ scheduleId, seats });
  };
}

export type AvailableSeatsQuery = ReturnType<typeof createAvailableSeats>;
