import { describe, expect, it } from 'vitest';
import type { Clock, DomainEvent, EventPublisher } from '../../shared';
import type { CatalogCache, SectionRef } from '../ports/catalog-cache.port';
import { InMemoryCatalogRepository } from '../testing';
import { createAvailableDates } from './available-dates.use-case';
import { createAvailableSeats } from './available-seats.use-case';
import { createCatalogEviction, createEvictSection } from './catalog-eviction.use-case';
import { createListConcerts } from './list-concerts.use-case';
import { createSections } from './sections.use-case';

const NOW = new Date('2026-12-01T00:00:00.000Z');
const clock: Clock = { now: () => NOW };
const at = (iso: string) => new Date(iso);

function fixture() {
  const catalog = new InMemoryCatalogRepository();
  catalog.concerts = [
    { concertId: 1, title: 'Winter Gala', artist: 'Orchestra', venue: 'Hall', firstDate: null, lastDate: null },
    { concertId: 2, title: 'Rock Night', artist: 'Winterband', venue: 'Arena', firstDate: null, lastDate: null },
    { concertId: 3, title: 'Jazz', artist: 'Trio', venue: 'Club', firstDate: null, lastDate: null },
  ];
  catalog.schedules = [
    { scheduleId: 10, concertId: 1, startsAt: at('2026-12-20T19:00:00Z') },
    { scheduleId: 11, concertId: 1, startsAt: at('2026-12-10T19:00:00Z') },
    { scheduleId: 12, concertId: 1, startsAt: at('2026-11-01T19:00:00Z') }, // past
    { scheduleId: 20, concertId: 2, startsAt: at('2026-12-15T19:00:00Z') },
  ];
  catalog.sections = [
    { sectionId: 100, scheduleId: 10, name: 'A', price: 100_000, totalSeats: 3 },
    { sectionId: 101, scheduleId: 10, name: 'B', price: 50_000, totalSeats: 2 },
    { sectionId: 200, scheduleId: 20, name: 'A', price: 80_000, totalSeats: 1 },
  ];
  const seat = (
    seatId: number,
    sectionId: number,
    number: number,
    extra: Partial<{ status: 'AVAILABLE' | 'HELD' | 'SOLD'; heldUntil: Date | null }> = {},
  ) => ({
    seatId,
    scheduleId: sectionId === 200 ? 20 : 10,
    sectionId,
    row: 'A',
    number,
    price: sectionId === 100 ? 100_000 : sectionId === 101 ? 50_000 : 80_000,
    status: extra.status ?? ('AVAILABLE' as const),
    holderId: null,
    heldUntil: extra.heldUntil ?? null,
  });
  catalog.seats = [
    seat(1, 100, 1),
    seat(2, 100, 2, { status: 'HELD', heldUntil: at('2026-12-01T00:05:00Z') }), // running hold
    seat(3, 100, 3, { status: 'HELD', heldUntil: at('2026-11-30T23:59:00Z') }), // expired hold: available
    seat(4, 101, 1, { status: 'SOLD' }),
    seat(5, 101, 2),
    seat(6, 200, 1),
  ];
  return catalog;
}

describe('catalog use cases', () => {
  it('lists concerts by id with a cursor and a title/artist prefix', async () => {
    const list = createListConcerts({ catalog: fixture() });
    const page1 = await list({ limit: 2 });
    expect(page1.ok && page1.value.items.map((c) => c.concertId)).toEqual([1, 2]);
    expect(page1.ok && page1.value.nextCursor).toBe(2);
    const page2 = await list({ limit: 2, cursor: 2 });
    expect(page2.ok && page2.value).toMatchObject({ items: [{ concertId: 3 }], nextCursor: null });
    const winter = await list({ q: ' winter ' });
    expect(winter.ok && winter.value.items.map((c) => c.concertId)).toEqual([1, 2]);
  });

  it('gives future dates sorted by start with available counts, or CONCERT_NOT_FOUND', async () => {
    const dates = createAvailableDates({ catalog: fixture(), clock });
    const result = await dates(1);
    expect(result).toEqual({
      ok: true,
      value: {
        concertId: 1,
        dates: [
          { scheduleId: 11, startsAt: at('2026-12-10T19:00:00Z'), availableSeats: 0 },
          { scheduleId: 10, startsAt: at('2026-12-20T19:00:00Z'), availableSeats: 3 },
        ],
      },
    });
    const missing = await dates(99);
    expect(!missing.ok && missing.error.code).toBe('CONCERT_NOT_FOUND');
  });

  it('drops dates that started after a cached snapshot was taken', async () => {
    const catalog = fixture();
    const later: Clock = { now: () => at('2026-12-12T00:00:00Z') };
    const stale = await catalog.concertDates(1, NOW);
    catalog.concertDates = async () => stale;
    const result = await createAvailableDates({ catalog, clock: later })(1);
    expect(result.ok && result.value.dates.map((d) => d.scheduleId)).toEqual([10]);
  });

  it('counts sections, treating an expired hold as available', async () => {
    const sections = createSections({ catalog: fixture(), clock });
    const result = await sections(10);
    expect(result.ok && result.value.sections).toEqual([
      { sectionId: 100, name: 'A', price: 100_000, totalSeats: 3, availableSeats: 2 },
      { sectionId: 101, name: 'B', price: 50_000, totalSeats: 2, availableSeats: 1 },
    ]);
    const missing = await sections(99);
    expect(!missing.ok && missing.error.code).toBe('SCHEDULE_NOT_FOUND');
  });

  it('lists available seats of all sections or one, and rejects a section of another date', async () => {
    const seats = createAvailableSeats({ catalog: fixture(), clock });
    const all = await seats({ scheduleId: 10 });
    expect(all.ok && all.value.seats.map((s) => s.seatId)).toEqual([1, 3, 5]);
    const one = await seats({ scheduleId: 10, sectionId: 101 });
    expect(one.ok && one.value.seats).toEqual([{ seatId: 5, sectionId: 101, row: 'A', number: 2, price: 50_000 }]);
    const foreign = await seats({ scheduleId: 10, sectionId: 200 });
    expect(!foreign.ok && foreign.error.code).toBe('SECTION_NOT_FOUND');
    const missing = await seats({ scheduleId: 99 });
    expect(!missing.ok && missing.error.code).toBe('SCHEDULE_NOT_FOUND');
  });

  it('reports validUntil as the earliest running hold deadline', async () => {
    const [section] = await fixture().sectionSeats(10, [100], NOW);
    expect(section?.validUntil).toEqual(at('2026-12-01T00:05:00Z'));
  });
});

describe('catalog eviction', () => {
  class RecordingCache implements CatalogCache {
    calls: string[] = [];
    failShared = false;
    async evictLocal(ref: SectionRef) {
      this.calls.push(`local:${ref.scheduleId}:${ref.sectionId}`);
    }
    async evictShared(ref: SectionRef) {
      this.calls.push(`shared:${ref.scheduleId}:${ref.sectionId}`);
      if (this.failShared) throw new Error('redis down');
    }
  }
  const recorder = () => {
    const sent: DomainEvent[] = [];
    const events: EventPublisher = { publish: async (...e) => void sent.push(...e) };
    return { sent, events };
  };

  it('evicts shared then local copies and publishes catalog/section.changed', async () => {
    const cache = new RecordingCache();
    const { sent, events } = recorder();
    await createCatalogEviction({ cache, events }).onSeatChanged({ scheduleId: 10, sectionId: 100 });
    expect(cache.calls).toEqual(['shared:10:100', 'local:10:100']);
    expect(sent).toEqual([{ name: 'catalog/section.changed', data: { scheduleId: 10, sectionId: 100 } }]);
  });

  it('never throws into the writer when the shared store is down, and still publishes', async () => {
    const cache = new RecordingCache();
    cache.failShared = true;
    const { sent, events } = recorder();
    const errors: unknown[] = [];
    await createCatalogEviction({ cache, events, onError: (e) => errors.push(e) }).onSeatChanged({
      scheduleId: 10,
      sectionId: 100,
    });
    expect(errors).toHaveLength(1);
    expect(cache.calls).toEqual(['shared:10:100', 'local:10:100']);
    expect(sent).toHaveLength(1);
  });

  it('the function-side eviction throws on a broken store so the runner retries', async () => {
    const cache = new RecordingCache();
    cache.failShared = true;
    await expect(createEvictSection({ cache })({ scheduleId: 1, sectionId: 2 })).rejects.toThrow('redis down');
  });
});
