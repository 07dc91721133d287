import type { ColumnType, Generated } from 'kysely';

export interface SeatTable {
  id: Generated<number>;
  schedule_id: number;
  section_id: number;
  row_label: string;
  number: number;
  status: 'AVAILABLE' | 'HELD' | 'SOLD';
  holder_id: number | null;
  held_until: Date | null;
  /** Bumped on every state change: optimistic checks and cache keys can rely on it. */
  version: Generated<number>;
  updated_at: ColumnType<Date, never, Date>;
}
