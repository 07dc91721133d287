import type { Db } from '@concert/adapters';

export interface Fixture {
  readonly concertIds: number[];
  /** Per concert: one date with `seatsPerSection` seats in each of two sections. */
  readonly schedules: Array<{ concertId: number; scheduleId: number; sectionIds: number[]; seatIds: number[] }>;
}

/** Users 1..users, and `concerts` concerts with one date each. Seat ids come back in creation order. */
export async function seedFixture(
  db: Db,
  options: { users: number; concerts: number; seatsPerSection: number },
): Promise<Fixture> {
  for (let start = 0; start < options.users; start += 1000) {
    const n = Math.min(1000, options.users - start);
    await db
      .insertInto('users')
      .values(Array.from({ length: n }, (_, i) => ({ name: `user-${start + i + 1}` })))
      .execute();
  }
  const fixture: Fixture = { concertIds: [], schedules: [] };
  for (let c = 0; c < options.concerts; c++) {
    const startsAt = new Date(Date.UTC(2027, 0, 1 + c, 19));
    const concert = await db
      .insertInto('concerts')
      .values({ title: `Concert ${c + 1}`, artist: 'Artist', venue: 'Hall', first_date: startsAt, last_date: startsAt })
      .executeTakeFirstOrThrow();
    const concertId = Number(concert.insertId);
    const schedule = await db
      .insertInto('schedules')
      .values({ concert_id: concertId, starts_at: startsAt })
      .executeTakeFirstOrThrow();
    const scheduleId = Number(schedule.insertId);
    const sectionIds: number[] = [];
    const seatIds: number[] = [];
    for (const [name, price] of [
      ['R', 150_000],
      ['S', 100_000],
    ] as const) {
      const section = await db
        .insertInto('sections')
        .values({ schedule_id: scheduleId, name, price, total_seats: options.seatsPerSection })
        .executeTakeFirstOrThrow();
      const sectionId = Number(section.insertId);
      sectionIds.push(sectionId);
      for (let start = 0; start < options.seatsPerSection; start += 1000) {
        const n = Math.min(1000, options.seatsPerSection - start);
        await db
          .insertInto('seats')
          .values(
            Array.from({ length: n }, (_, i) => ({
              schedule_id: scheduleId,
              section_id: sectionId,
              row_label: name,
              number: start + i + 1,
              status: 'AVAILABLE' as const,
              holder_id: null,
              held_until: null,
            })),
          )
          .execute();
      }
      const rows = await db
        .selectFrom('seats')
        .select('id')
        .where('section_id', '=', sectionId)
        .orderBy('id')
        .execute();
      seatIds.push(...rows.map((r) => Number(r.id)));
    }
    fixture.concertIds.push(concertId);
    fixture.schedules.push({ concertId, scheduleId, sectionIds, seatIds });
  }
  return fixture;
}
