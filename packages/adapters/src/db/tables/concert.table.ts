import type { ColumnType, Generated } from 'kysely';

export interface ConcertTable {
  id: Generated<number>;
  title: string;
  artist: string;
  venue: string;
  first_date: Date | null;
  last_date: Date | null;
  created_at: ColumnType<Date, never, never>;
}

/** A schedule is one bookable date (performance) of a concert. */
export interface ScheduleTable {
  id: Generated<number>;
  concert_id: number;
  starts_at: Date;
}

export interface SectionTable {
  id: Generated<number>;
  schedule_id: number;
  name: string;
  price: number;
  total_seats: number;
}
