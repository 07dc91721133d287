import { z } from 'zod';

/** What the catalog cache stores in Redis, checked when read back: a bad or old-format value is a miss. */
const date = z.iso.datetime().transform((s) => new Date(s));
const id = z.number().int().positive();
const count = z.number().int().nonnegative();

export const ConcertDatesSchema = z.object({
  concertId: id,
  dates: z.array(z.object({ scheduleId: id, startsAt: date, availableSeats: count })),
  validUntil: date.nullable(),
});

export const ScheduleSectionsSchema = z.object({
  scheduleId: id,
  concertId: id,
  startsAt: date,
  sections: z.array(
    z.object({ sectionId: id, name: z.string(), price: count, availableSeats: count, totalSeats: count }),
  ),
  validUntil: date.nullable(),
});

export const SectionSeatsSchema = z.object({
  scheduleId: id,
  sectionId: id,
  seats: z.array(z.object({ seatId: id, sectionId: id, row: z.string(), number: z.number().int(), price: count })),
  validUntil: date.nullable(),
});

/** What `evictShared` publishes on the eviction channel, checked by every subscriber. */
export const CatalogEvictionMessageSchema = z.object({
  scheduleId: id,
  sectionId: id,
  concertId: id.nullable(),
});
