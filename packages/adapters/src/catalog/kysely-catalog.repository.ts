import {
  type CatalogRepository,
  type ConcertDates,
  type ConcertPage,
  type ConcertPageQuery,
  isSeatAvailable,
  type ScheduleRef,
  type ScheduleSections,
  type SectionSeats,
} from '@concert/domain';
import type { Db } from '../db/database';
import {
  availableSeatsQuery,
  concertSchedulesQuery,
  concertsByPrefixQuery,
  concertsPageQuery,
  heldSeatsQuery,
  nextHoldExpiryQuery,
  scheduleRefQuery,
  scheduleSectionsQuery,
  seatStatusCountsQuery,
} from './catalog.queries';

interface Availability {
  /** Available seats per `${scheduleId}:${sectionId}`. */
  readonly counts: Map<string, number>;
  /** Earliest running hold deadline over all the dates asked, or null. */
  readonly validUntil: Date | null;
}

/** Catalog reads from MySQL. Maps rows to the domain's snapshots; no caching and no business rules beyond SQL. */
export class KyselyCatalogRepository implements CatalogRepository {
  constructor(private readonly db: Db) {}

  async listConcerts(query: ConcertPageQuery): Promise<ConcertPage> {
    const cursor = query.cursor ?? 0;
    const rows = query.q
      ? await concertsByPrefixQuery(this.db, query.q, cursor, query.limit).execute()
      : await concertsPageQuery(this.db, cursor, query.limit).execute();
    const items = rows.slice(0, query.limit).map((r) => ({
      concertId: Number(r.id),
      title: r.title,
      artist: r.artist,
      venue: r.venue,
      firstDate: r.first_date,
      lastDate: r.last_date,
    }));
    return { items, nextCursor: rows.length > query.limit ? (items.at(-1)?.concertId ?? null) : null };
  }

  async concertDates(concertId: number, now: Date): Promise<ConcertDates | null> {
    const rows = await concertSchedulesQuery(this.db, concertId, now).execute();
    if (rows.length === 0) return null;
    const schedules = rows.flatMap((r) =>
      r.schedule_id === null || r.starts_at === null
        ? []
        : [{ scheduleId: Number(r.schedule_id), startsAt: r.starts_at }],
    );
    const availability = await this.availability(
      schedules.map((s) => s.scheduleId),
      now,
    );
    const perSchedule = new Map<number, number>();
    for (const [key, n] of availability.counts) {
      const scheduleId = Number(key.slice(0, key.indexOf(':')));
      perSchedule.set(scheduleId, (perSchedule.get(scheduleId) ?? 0) + n);
    }
    return {
      concertId,
      dates: schedules.map((s) => ({ ...s, availableSeats: perSchedule.get(s.scheduleId) ?? 0 })),
      validUntil: availability.validUntil,
    };
  }

  async scheduleSections(scheduleId: number, now: Date): Promise<ScheduleSections | null> {
    const rows = await scheduleSectionsQuery(this.db, scheduleId).execute();
    const first = rows[0];
    if (!first) return null;
    const availability = await this.availability([scheduleId], now);
    const sections = rows.flatMap((r) =>
      r.section_id === null
        ? []
        : [
            {
              sectionId: Number(r.section_id),
              name: r.name ?? '',
              price: Number(r.price),
              availableSeats: availability.counts.get(`${scheduleId}:${Number(r.section_id)}`) ?? 0,
              totalSeats: Number(r.total_seats),
            },
          ],
    );
    return {
      scheduleId,
      concertId: Number(first.concert_id),
      startsAt: first.starts_at,
      sections,
      validUntil: availability.validUntil,
    };
  }

  async sectionSeats(scheduleId: number, sectionIds: readonly number[], now: Date): Promise<SectionSeats[]> {
    if (sectionIds.length === 0) return [];
    const [seatRows, expiryRows] = await Promise.all([
      availableSeatsQuery(this.db, scheduleId, sectionIds, now).execute(),
      nextHoldExpiryQuery(this.db, scheduleId, sectionIds, now).execute(),
    ]);
    const bySection = new Map<number, SectionSeats['seats'][number][]>(sectionIds.map((id) => [id, []]));
    for (const r of seatRows) {
      const sectionId = Number(r.section_id);
      bySection.get(sectionId)?.push({
        seatId: Number(r.id),
        sectionId,
        row: r.row_label,
        number: r.number,
        price: Number(r.price),
      });
    }
    const expiry = new Map(expiryRows.map((r) => [Number(r.section_id), r.next_expiry ?? null]));
    return sectionIds.map((sectionId) => ({
      scheduleId,
      sectionId,
      seats: bySection.get(sectionId) ?? [],
      validUntil: expiry.get(sectionId) ?? null,
    }));
  }

  async scheduleRef(scheduleId: number): Promise<ScheduleRef | null> {
    const row = await scheduleRefQuery(this.db, scheduleId).executeTakeFirst();
    return row ? { scheduleId, concertId: Number(row.concert_id) } : null;
  }

  /**
   * Available seats per (date, section) from the index-only status counts; the deadlines of HELD seats are read
   * only when there are some, to count expired holds as available and to find the snapshot's validUntil.
   */
  private async availability(scheduleIds: readonly number[], now: Date): Promise<Availability> {
    const counts = new Map<string, number>();
    if (scheduleIds.length === 0) return { counts, validUntil: null };
    const rows = await seatStatusCountsQuery(this.db, scheduleIds).execute();
    let held = 0;
    for (const r of rows) {
      const key = `${Number(r.schedule_id)}:${Number(r.section_id)}`;
      if (!counts.has(key)) counts.set(key, 0);
      if (r.status === 'AVAILABLE') counts.set(key, (counts.get(key) ?? 0) + Number(r.n));
      else if (r.status === 'HELD') held += Number(r.n);
    }
    if (held === 0) return { counts, validUntil: null };
    let next: number | null = null;
    for (const r of await heldSeatsQuery(this.db, scheduleIds).execute()) {
      const seat = { status: 'HELD' as const, heldUntil: r.held_until };
      if (isSeatAvailable(seat, now)) {
        const key = `${Number(r.schedule_id)}:${Number(r.section_id)}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      } else if (r.held_until && (next === null || r.held_until.getTime() < next)) {
        next = r.held_until.getTime();
      }
    }
    return { counts, validUntil: next === null ? null : new Date(next) };
  }
}
