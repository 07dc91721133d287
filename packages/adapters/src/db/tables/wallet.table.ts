import type { ColumnType, Generated } from 'kysely';

/** One row per user; `balance` is a cache of the ledger sum, updated in the same transaction as the entry. */
export interface WalletTable {
  user_id: number;
  balance: number;
  updated_at: ColumnType<Date, never, Date>;
}

/** Append-only: rows are inserted, never updated or deleted. (user_id, idempotency_key) is unique. */
export interface WalletLedgerTable {
  id: Generated<number>;
  user_id: number;
  kind: 'CHARGE' | 'DEBIT' | 'REFUND';
  amount: number;
  balance_after: number;
  idempotency_key: string;
  /** What the entry is for, e.g. `payment:42`; a DEBIT and its REFUND share it. */
  reference: string | null;
  created_at: ColumnType<Date, never, never>;
}
