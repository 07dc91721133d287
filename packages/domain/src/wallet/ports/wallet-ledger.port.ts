import type { Result } from '../../shared';
import type { LedgerEntry, LedgerWrite } from '../wallet.entity';

export interface AppendOutcome {
  readonly entry: LedgerEntry;
  /** True when the key was already recorded with the same input: nothing changed, the first entry is returned. */
  readonly replayed: boolean;
}

/**
 * The wallet's balance and its append-only ledger. `append` is atomic: it serialises on the user's wallet, so
 * the balance always equals the sum of the ledger, an idempotency key is recorded at most once per user (a repeat
 * with the same input returns the first entry and changes nothing, see `isReplayOf`), and a DEBIT that would
 * take the balance below zero writes nothing.
 */
export interface WalletLedger {
  balance(userId: number): Promise<number>;
  append(write: LedgerWrite): Promise<Result<AppendOutcome, 'INSUFFICIENT_BALANCE' | 'IDEMPOTENCY_KEY_REUSED'>>;
  findByKey(userId: number, idempotencyKey: string): Promise<LedgerEntry | null>;
}
