import { err, ok, type Result, type Won } from '../shared';

/** The ledger is append-only: a balance is the sum of its entries, and every entry has an idempotency key. */
export const LEDGER_KINDS = ['CHARGE', 'DEBIT', 'REFUND'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface LedgerEntry {
  readonly transactionId: number;
  readonly userId: number;
  readonly kind: LedgerKind;
  /** Always positive; the kind gives the sign. */
  readonly amount: Won;
  readonly balanceAfter: Won;
  readonly idempotencyKey: string;
}

export const CHARGE_MIN = 1;
export const CHARGE_MAX = 1_000_000;

/** Signed effect of an entry on the balance. */
export function ledgerDelta(kind: LedgerKind, amount: number): number {
  return kind === 'DEBIT' ? -amount : amount;
}

/** The balance after applying an entry, refusing anything that would make it negative. */
export function applyEntry(balance: number, kind: LedgerKind, amount: number): Result<number, 'INSUFFICIENT_BALANCE'> {
  const next = balance + ledgerDelta(kind, amount);
  return next < 0 ? err('INSUFFICIENT_BALANCE') : ok(next);
}
