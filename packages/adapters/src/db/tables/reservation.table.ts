import type { ColumnType, Generated } from 'kysely';

/**
 * Invariant enforced by the database itself: `active_seat_id` is `seat_id` while the reservation is HELD or
 * CONFIRMED and NULL otherwise, and it is UNIQUE. So at most one live reservation per seat, whatever the code does.
 */
export interface ReservationTable {
  id: Generated<number>;
  user_id: number;
  seat_id: number;
  schedule_id: number;
  section_id: number;
  concert_id: number;
  amount: number;
  status: 'HELD' | 'CONFIRMED' | 'RELEASED' | 'EXPIRED';
  expires_at: Date;
  active_seat_id: ColumnType<number | null, never, never>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface PaymentTable {
  id: Generated<number>;
  reservation_id: number;
  user_id: number;
  amount: number;
  status: 'PENDING' | 'COMPLETED' | 'FAILED';
  failure_reason: 'INSUFFICIENT_BALANCE' | 'HOLD_EXPIRED' | 'GATEWAY_DECLINED' | 'GATEWAY_UNAVAILABLE' | null;
  /** Unique per user: repeating a pay with the same key returns this row. */
  idempotency_key: string;
  /** Last saga step reached, so a reconciler knows what to finish or compensate. */
  step: string;
  gateway_ref: string | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
  completed_at: Date | null;
}
