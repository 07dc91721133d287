import { type Clock, err, ok, type Result } from '../../shared';
import { type ScheduleNotFound, scheduleNotFound } from '../catalog.errors';
import type { CatalogRepository, SectionAvailability } from '../ports/catalog-repository.port';

export interface SectionsOutput {
  readonly scheduleId: number;
  readonly sections: readonly SectionAvailability[];
}

/** The sections of one date with their prices and available / total seat counts. */
export function createSections(deps: { catalog: CatalogRepository; clock: Clock }) {
  return async (scheduleId: number): Promise<Result<SectionsOutput, ScheduleNotFound>> => {
    const snapshot = await deps.catalog.scheduleSections(scheduleId, deps.clock.now());
    if (!snapshot) return err(scheduleNotFound(scheduleId));
    return ok({ scheduleId, sections: snapshot.sections });
  };
}

export type Sections = ReturnType<typeof createSections>;
