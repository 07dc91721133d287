import { sql } from 'kysely';
import type { Db } from '../db/database';

/**
 * Every catalog query as a builder, so the repository runs them and the integration test EXPLAINs the very
 * same SQL. Each one is served by an index (named beside it); none scans a table.
 */

/** `%`, `_` and the escape character itself are literals in a prefix search. */
export function likePrefix(q: string): string {
  return `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const CONCERT_COLUMNS = ['c.id', 'c.title', 'c.artist', 'c.venue', 'c.first_date', 'c.last_date'] as const;

/** No filter: PRIMARY range `id > cursor`, in id order, stops after limit + 1 rows. */
export function concertsPageQuery(db: Db, cursor: number, limit: number) {
  return db
    .selectFrom('concerts as c')
    .select(CONCERT_COLUMNS)
    .where('c.id', '>', cursor)
    .orderBy('c.id')
    .limit(limit + 1);
}

/**
 * Title or artist prefix: the UNION of two index range scans (`concerts_title (title, id)` and
 * `concerts_artist (artist, id)`, both covering for `id`), joined back to the rows by PRIMARY. An OR of the two
 * LIKEs would make MariaDB scan the table; the UNION keeps each side on its own index.
 */
export function concertsByPrefixQuery(db: Db, q: string, cursor: number, limit: number) {
  const pattern = likePrefix(q);
  return (
    db
      .selectFrom((eb) =>
        eb
          .selectFrom('concerts')
          .select('id')
          .where('title', 'like', pattern)
          .where('id', '>', cursor)
          .union(eb.selectFrom('concerts').select('id').where('artist', 'like', pattern).where('id', '>', cursor))
          .as('m'),
      )
      .innerJoin('concerts as c', 'c.id', 'm.id')
      .select(CONCERT_COLUMNS)
      // Ordered by the union's id, not c.id: ordering by c.id lets MariaDB walk PRIMARY in order and probe the
      // union per row, which reads the whole table when matches are rare.
      .orderBy('m.id')
      .limit(limit + 1)
  );
}

/** The concert (PRIMARY) and its dates not started yet (`schedules_concert_starts` range), one row per date. */
export function concertSchedulesQuery(db: Db, concertId: number, now: Date) {
  return db
    .selectFrom('concerts as c')
    .leftJoin('schedules as s', (join) => join.onRef('s.concert_id', '=', 'c.id').on('s.starts_at', '>', now))
    .select(['c.id as concert_id', 's.id as schedule_id', 's.starts_at'])
    .where('c.id', '=', concertId)
    .orderBy('s.starts_at')
    .orderBy('s.id');
}

/** The date (PRIMARY) and its sections (`sections_schedule`). */
export function scheduleSectionsQuery(db: Db, scheduleId: number) {
  return db
    .selectFrom('schedules as s')
    .leftJoin('sections as se', 'se.schedule_id', 's.id')
    .select([
      's.id as schedule_id',
      's.concert_id',
      's.starts_at',
      'se.id as section_id',
      'se.name',
      'se.price',
      'se.total_seats',
    ])
    .where('s.id', '=', scheduleId)
    .orderBy('se.id');
}

/**
 * Seat counts per (date, section, status) straight from the `seats_schedule_section_status` index: a covering
 * index scan grouped in index order, no row reads, no temporary table.
 */
export function seatStatusCountsQuery(db: Db, scheduleIds: readonly number[]) {
  return db
    .selectFrom('seats')
    .select(['schedule_id', 'section_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('schedule_id', 'in', scheduleIds)
    .groupBy(['schedule_id', 'section_id', 'status']);
}

/**
 * Deadlines of the holds of some dates (only asked when the counts show HELD seats): the index narrows to the
 * dates and filters `status` inside the index (ICP), so only HELD rows are read.
 */
export function heldSeatsQuery(db: Db, scheduleIds: readonly number[]) {
  return db
    .selectFrom('seats')
    .select(['schedule_id', 'section_id', 'held_until'])
    .where('schedule_id', 'in', scheduleIds)
    .where('status', '=', 'HELD');
}

/**
 * Available seats of some sections of one date. The seed's bug was `date = ? and held_until is null or
 * held_until < ?`, which SQL reads as `(date = ? and ...) or held_until < ?` and answers with a full scan. Here
 * the OR is parenthesised inside the AND, so `(schedule_id, section_id, status)` gives two index ranges per
 * section: (.., 'AVAILABLE') and (.., 'HELD') with the deadline checked on those rows only. A hold whose
 * deadline has passed counts as available (the same rule as isSeatAvailable: `held_until <= now`).
 */
export function availableSeatsQuery(db: Db, scheduleId: number, sectionIds: readonly number[], now: Date) {
  return db
    .selectFrom('seats as st')
    .innerJoin('sections as se', 'se.id', 'st.section_id')
    .select(['st.id', 'st.section_id', 'st.row_label', 'st.number', 'se.price'])
    .where('st.schedule_id', '=', scheduleId)
    .where('st.section_id', 'in', sectionIds)
    .where((eb) =>
      eb.or([
        eb('st.status', '=', 'AVAILABLE'),
        eb.and([eb('st.status', '=', 'HELD'), eb('st.held_until', '<=', now)]),
      ]),
    )
    .orderBy('st.section_id')
    .orderBy('st.row_label')
    .orderBy('st.number');
}

/** The earliest running hold deadline per section: ranges (schedule, section, 'HELD') of the same index. */
export function nextHoldExpiryQuery(db: Db, scheduleId: number, sectionIds: readonly number[], now: Date) {
  return db
    .selectFrom('seats')
    .select(['section_id', (eb) => eb.fn.min<Date>('held_until').as('next_expiry')])
    .where('schedule_id', '=', scheduleId)
    .where('section_id', 'in', sectionIds)
    .where('status', '=', 'HELD')
    .where('held_until', '>', now)
    .groupBy('section_id');
}

/** Which concert a date belongs to (PRIMARY). */
export function scheduleRefQuery(db: Db, scheduleId: number) {
  return db.selectFrom('schedules').select(['id', 'concert_id']).where('id', '=', scheduleId);
}

/** The seed's query exactly as it was written, kept only so the EXPLAIN test can show what it costs. */
export function seedTrapSeatsQuery(db: Db, scheduleId: number, now: Date) {
  return db
    .selectFrom('seats')
    .select(['id'])
    .where(sql<boolean>`schedule_id = ${scheduleId} and held_until is null or held_until < ${now}`);
}
