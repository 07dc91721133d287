import type { ColumnType, Generated } from 'kysely';

export interface UserTable {
  id: Generated<number>;
  name: string;
  created_at: ColumnType<Date, never, never>;
}
