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
  /** What the entry is for (e.g. `payment:42`): a DEBIT and its REFUND share it. Null for charges. */
  readonly reference?: string | null;
}

export const CHARGE_MIN = 1;
export const CHARGE_MAX = 1_000_000;
export const IDEMPOTENCY_KEY_MIN = 8;
export const IDEMPOTENCY_KEY_MAX = 64;

/** Signed effect of an entry on the balance. */
export function ledgerDelta(kind: LedgerKind, amount: number): number {
  return kind === 'DEBIT' ? -amount : amount;
}

/** The balance after applying an entry, refusing anything that would make it negative. */
export function applyEntry(balance: number, kind: LedgerKind, amount: number): Result<number, 'INSUFFICIENT_BALANCE'> {
  const next = balance + ledgerDelta(kind, amount);
  return next < 0 ? err('INSUFFICIENT_BALANCE') : ok(next);
}

/** A request to append one entry. The ledger decides, under the wallet's lock, whether it is new or a replay. */
export interface LedgerWrite {
  readonly userId: number;
  readonly kind: LedgerKind;
  readonly amount: number;
  readonly idempotencyKey: string;
  readonly reference: string | null;
}

/**
 * Idempotency rule: an entry already recorded under the same (user, key) is a replay of this write only if it
 * says the same thing (kind, amount, reference); otherwise the key is being reused for something else.
 */
export function isReplayOf(existing: LedgerEntry, write: LedgerWrite): boolean {
  return (
    existing.kind === write.kind &&
    existing.amount === write.amount &&
    (existing.reference ?? null) === (write.reference ?? null)
  );
}

/**
 * Keys of the entries a payment writes. They live in the same (user, key) space as the keys users send to
 * `wallet.charge`, so user keys of this exact shape are refused (see `isReservedLedgerKey`): otherwise a user
 * could pre-empt a payment's debit key with a charge.
 */
export function paymentLedgerKeys(paymentId: number) {
  return {
    debit: `payment:${paymentId}:debit`,
    refund: `payment:${paymentId}:refund`,
    reference: `payment:${paymentId}`,
  } as const;
}

const RESERVED_KEY = /^payment:\d+:(debit|refund)$/;

export function isReservedLedgerKey(key: string): boolean {
  return RESERVED_KEY.test(key);
}
