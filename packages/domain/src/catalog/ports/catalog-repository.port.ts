import type { Concert } from '../catalog.entity';

/** A page of concerts ordered by id; `nextCursor` is the last id of the page when more follow. */
export interface ConcertPageQuery {
  readonly cursor?: number;
  readonly limit: number;
  /** Prefix of the title or of the artist (case-insensitive). Empty or absent: no filter. */
  readonly q?: string;
}

export interface ConcertPage {
  readonly items: readonly Concert[];
  readonly nextCursor: number | null;
}

/**
 * Every read-model snapshot below is exact as of the instant it was read, and stays exact until either a seat
 * in its scope changes state (an event evicts it) or `validUntil` passes: the earliest deadline of a hold in
 * its scope that was still running when it was read (null: no running hold). Caches must not serve a snapshot
 * at or after its `validUntil`, because from then on that seat counts as available again.
 */
export interface Snapshot {
  readonly validUntil: Date | null;
}

export interface DateAvailability {
  readonly scheduleId: number;
  readonly startsAt: Date;
  readonly availableSeats: number;
}

/** The concert's dates that had not started when read, sorted by `startsAt` then `scheduleId`. */
export interface ConcertDates extends Snapshot {
  readonly concertId: number;
  readonly dates: readonly DateAvailability[];
}

export interface SectionAvailability {
  readonly sectionId: number;
  readonly name: string;
  readonly price: number;
  readonly availableSeats: number;
  readonly totalSeats: number;
}

/** All sections of one date, sorted by `sectionId`. */
export interface ScheduleSections extends Snapshot {
  readonly scheduleId: number;
  readonly concertId: number;
  readonly startsAt: Date;
  readonly sections: readonly SectionAvailability[];
}

export interface AvailableSeat {
  readonly seatId: number;
  readonly sectionId: number;
  readonly row: string;
  readonly number: number;
  readonly price: number;
}

/** Available seats of one section of one date, sorted by row then number. */
export interface SectionSeats extends Snapshot {
  readonly scheduleId: number;
  readonly sectionId: number;
  readonly seats: readonly AvailableSeat[];
}

export interface ScheduleRef {
  readonly scheduleId: number;
  readonly concertId: number;
}

/**
 * Catalog reads. "Available" means AVAILABLE, or HELD with a deadline at or before `now` (see isSeatAvailable).
 * Implemented by the MySQL repository and by the caching decorator in front of it; both return the same values.
 */
export interface CatalogRepository {
  listConcerts(query: ConcertPageQuery): Promise<ConcertPage>;
  /** null: no such concert. */
  concertDates(concertId: number, now: Date): Promise<ConcertDates | null>;
  /** null: no such schedule (date). */
  scheduleSections(scheduleId: number, now: Date): Promise<ScheduleSections | null>;
  /**
   * One entry per requested section, in the order asked. The caller has already checked that every section
   * belongs to the schedule (through scheduleSections).
   */
  sectionSeats(scheduleId: number, sectionIds: readonly number[], now: Date): Promise<SectionSeats[]>;
  /** The concert a schedule belongs to (never changes once created); null: no such schedule. */
  scheduleRef(scheduleId: number): Promise<ScheduleRef | null>;
}
