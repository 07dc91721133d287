import type { Concert, Schedule, Section } from '../catalog.entity';
import type {
  CatalogRepository,
  ConcertDates,
  ConcertPage,
  ConcertPageQuery,
  ScheduleRef,
  ScheduleSections,
  SectionSeats,
} from '../ports/catalog-repository.port';
import { isSeatAvailable, type Seat } from '../seat.entity';

/** A CatalogRepository over arrays, for unit tests. Same rules as the MySQL one, written the obvious way. */
export class InMemoryCatalogRepository implements CatalogRepository {
  concerts: Concert[] = [];
  schedules: Schedule[] = [];
  sections: Section[] = [];
  seats: Seat[] = [];

  async listConcerts(query: ConcertPageQuery): Promise<ConcertPage> {
    const q = query.q?.toLowerCase();
    const matching = this.concerts
      .filter((c) => query.cursor === undefined || c.concertId > query.cursor)
      .filter((c) => !q || c.title.toLowerCase().startsWith(q) || c.artist.toLowerCase().startsWith(q))
      .sort((a, b) => a.concertId - b.concertId);
    const items = matching.slice(0, query.limit);
    return { items, nextCursor: matching.length > query.limit ? (items.at(-1)?.concertId ?? null) : null };
  }

  async concertDates(concertId: number, now: Date): Promise<ConcertDates | null> {
    if (!this.concerts.some((c) => c.concertId === concertId)) return null;
    const schedules = this.schedules
      .filter((s) => s.concertId === concertId && s.startsAt.getTime() > now.getTime())
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.scheduleId - b.scheduleId);
    const dates = schedules.map((s) => ({
      scheduleId: s.scheduleId,
      startsAt: s.startsAt,
      availableSeats: this.seats.filter((seat) => seat.scheduleId === s.scheduleId && isSeatAvailable(seat, now))
        .length,
    }));
    return {
      concertId,
      dates,
      validUntil: this.nextExpiry((seat) => schedules.some((s) => s.scheduleId === seat.scheduleId), now),
    };
  }

  async scheduleSections(scheduleId: number, now: Date): Promise<ScheduleSections | null> {
    const schedule = this.schedules.find((s) => s.scheduleId === scheduleId);
    if (!schedule) return null;
    const sections = this.sections
      .filter((s) => s.scheduleId === scheduleId)
      .sort((a, b) => a.sectionId - b.sectionId)
      .map((s) => ({
        sectionId: s.sectionId,
        name: s.name,
        price: s.price,
        totalSeats: s.totalSeats,
        availableSeats: this.seats.filter((seat) => seat.sectionId === s.sectionId && isSeatAvailable(seat, now))
          .length,
      }));
    return {
      scheduleId,
      concertId: schedule.concertId,
      startsAt: schedule.startsAt,
      sections,
      validUntil: this.nextExpiry((seat) => seat.scheduleId === scheduleId, now),
    };
  }

  async sectionSeats(scheduleId: number, sectionIds: readonly number[], now: Date): Promise<SectionSeats[]> {
    return sectionIds.map((sectionId) => ({
      scheduleId,
      sectionId,
      seats: this.seats
        .filter((s) => s.scheduleId === scheduleId && s.sectionId === sectionId && isSeatAvailable(s, now))
        .sort((a, b) => a.row.localeCompare(b.row) || a.number - b.number)
        .map((s) => ({ seatId: s.seatId, sectionId, row: s.row, number: s.number, price: s.price })),
      validUntil: this.nextExpiry((s) => s.scheduleId === scheduleId && s.sectionId === sectionId, now),
    }));
  }

  async scheduleRef(scheduleId: number): Promise<ScheduleRef | null> {
    const s = this.schedules.find((x) => x.scheduleId === scheduleId);
    return s ? { scheduleId, concertId: s.concertId } : null;
  }

  private nextExpiry(inScope: (seat: Seat) => boolean, now: Date): Date | null {
    let next: number | null = null;
    for (const seat of this.seats) {
      if (!inScope(seat) || seat.status !== 'HELD' || !seat.heldUntil) continue;
      const t = seat.heldUntil.getTime();
      if (t > now.getTime() && (next === null || t < next)) next = t;
    }
    return next === null ? null : new Date(next);
  }
}
