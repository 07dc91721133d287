import { sql } from 'kysely';
import type { Db } from '../db/database';

/**
 * A small, fully known catalog for tests, laid over enough filler rows that MariaDB's optimizer has no excuse to
 * scan (on a handful of rows it happily picks a full scan, which would make EXPLAIN checks meaningless).
 *
 * Concert "Winter Gala" (artist "Orchestra"):
 *   later date (+10 d): section A (100,000 won, 4 seats: A-1 available, A-2 held 1 h more, A-3 hold expired
 *                       1 min ago, A-4 sold), section B (50,000 won, 3 seats all available)
 *   sooner date (+5 d): section C (70,000 won, 2 seats available)
 *   past date (-1 d):   section D (10,000 won, 1 seat available), never listed as a date
 * Concert "Rock 100% Live" (artist "Winterband"): no dates. Concert "Jazz" (artist "Trio"): no dates.
 */
export interface CatalogFixture {
  readonly concertId: number;
  readonly rockId: number;
  readonly jazzId: number;
  readonly later: { readonly scheduleId: number; readonly a: number; readonly b: number };
  readonly sooner: { readonly scheduleId: number; readonly c: number };
  readonly past: { readonly scheduleId: number; readonly d: number };
  readonly seats: Readonly<Record<'a1' | 'a2' | 'a3' | 'a4' | 'b1' | 'b2' | 'b3' | 'c1' | 'c2', number>>;
  readonly heldUntil: Date;
}

const DAY = 24 * 3600 * 1000;

export async function insertCatalogFixture(
  db: Db,
  now: Date,
  filler = { concerts: 300, datesPerConcert: 2, sections: 2, seatsPerSection: 10 },
): Promise<CatalogFixture> {
  const insertId = (r: { insertId?: bigint }) => Number(r.insertId);
  const concert = async (title: string, artist: string) =>
    insertId(await db.insertInto('concerts').values({ title, artist, venue: 'Hall' }).executeTakeFirstOrThrow());
  const schedule = async (concertId: number, startsAt: Date) =>
    insertId(
      await db.insertInto('schedules').values({ concert_id: concertId, starts_at: startsAt }).executeTakeFirstOrThrow(),
    );
  const section = async (scheduleId: number, name: string, price: number, total: number) =>
    insertId(
      await db
        .insertInto('sections')
        .values({ schedule_id: scheduleId, name, price, total_seats: total })
        .executeTakeFirstOrThrow(),
    );
  const seat = async (
    scheduleId: number,
    sectionId: number,
    row: string,
    number: number,
    status: 'AVAILABLE' | 'HELD' | 'SOLD' = 'AVAILABLE',
    heldUntil: Date | null = null,
  ) =>
    insertId(
      await db
        .insertInto('seats')
        .values({
          schedule_id: scheduleId,
          section_id: sectionId,
          row_label: row,
          number,
          status,
          holder_id: status === 'AVAILABLE' ? null : 1,
          held_until: heldUntil,
        })
        .executeTakeFirstOrThrow(),
    );

  const concertId = await concert('Winter Gala', 'Orchestra');
  const rockId = await concert('Rock 100% Live', 'Winterband');
  const jazzId = await concert('Jazz', 'Trio');
  const laterId = await schedule(concertId, new Date(now.getTime() + 10 * DAY));
  const soonerId = await schedule(concertId, new Date(now.getTime() + 5 * DAY));
  const pastId = await schedule(concertId, new Date(now.getTime() - DAY));
  const a = await section(laterId, 'A', 100_000, 4);
  const b = await section(laterId, 'B', 50_000, 3);
  const c = await section(soonerId, 'C', 70_000, 2);
  const d = await section(pastId, 'D', 10_000, 1);
  const heldUntil = new Date(now.getTime() + 3600 * 1000);
  const seats = {
    a1: await seat(laterId, a, 'A', 1),
    a2: await seat(laterId, a, 'A', 2, 'HELD', heldUntil),
    a3: await seat(laterId, a, 'A', 3, 'HELD', new Date(now.getTime() - 60_000)),
    a4: await seat(laterId, a, 'A', 4, 'SOLD'),
    b1: await seat(laterId, b, 'B', 1),
    b2: await seat(laterId, b, 'B', 2),
    b3: await seat(laterId, b, 'B', 3),
    c1: await seat(soonerId, c, 'C', 1),
    c2: await seat(soonerId, c, 'C', 2),
  };
  await seat(pastId, d, 'D', 1);

  // Filler: bulk rows with ids after the fixture's, so the fixture's ids are small and stable in order.
  const firstFiller = jazzId + 1;
  const concerts = Array.from({ length: filler.concerts }, (_, i) => ({
    id: firstFiller + i,
    title: `Filler ${i}`,
    artist: `Band ${i}`,
    venue: 'Arena',
  }));
  await db.insertInto('concerts').values(concerts).execute();
  const firstSchedule = pastId + 1;
  const schedules = concerts.flatMap((cc, i) =>
    Array.from({ length: filler.datesPerConcert }, (_, j) => ({
      id: firstSchedule + i * filler.datesPerConcert + j,
      concert_id: cc.id,
      starts_at: new Date(now.getTime() + (j + 1) * DAY),
    })),
  );
  await db.insertInto('schedules').values(schedules).execute();
  const firstSection = d + 1;
  const sections = schedules.flatMap((s, i) =>
    Array.from({ length: filler.sections }, (_, k) => ({
      id: firstSection + i * filler.sections + k,
      schedule_id: s.id,
      name: String.fromCharCode(65 + k),
      price: 10_000 * (k + 1),
      total_seats: filler.seatsPerSection,
    })),
  );
  for (let i = 0; i < sections.length; i += 2_000)
    await db
      .insertInto('sections')
      .values(sections.slice(i, i + 2_000))
      .execute();
  const seatRows = sections.flatMap((s) =>
    Array.from({ length: filler.seatsPerSection }, (_, n) => ({
      schedule_id: s.schedule_id,
      section_id: s.id,
      row_label: s.name,
      number: n + 1,
      // Some variety in statuses so the index statistics are not uniform.
      status: n % 7 === 0 ? ('SOLD' as const) : ('AVAILABLE' as const),
    })),
  );
  for (let i = 0; i < seatRows.length; i += 2_000)
    await db
      .insertInto('seats')
      .values(seatRows.slice(i, i + 2_000))
      .execute();
  for (const table of ['concerts', 'schedules', 'sections', 'seats'])
    await sql`ANALYZE TABLE ${sql.table(table)}`.execute(db);
  return {
    concertId,
    rockId,
    jazzId,
    later: { scheduleId: laterId, a, b },
    sooner: { scheduleId: soonerId, c },
    past: { scheduleId: pastId, d },
    seats,
    heldUntil,
  };
}
