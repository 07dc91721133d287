import { err, ok, type Result, type Won } from '../../shared';
import type { AppendOutcome, WalletLedger } from '../ports/wallet-ledger.port';
import { applyEntry, isReplayOf, type LedgerEntry, type LedgerWrite } from '../wallet.entity';

/** A WalletLedger in memory, with the same rules as the MySQL one. For unit tests. */
export class InMemoryWalletLedger implements WalletLedger {
  readonly entries: LedgerEntry[] = [];
  private readonly balances = new Map<number, number>();

  async balance(userId: number): Promise<number> {
    return this.balances.get(userId) ?? 0;
  }

  async findByKey(userId: number, idempotencyKey: string): Promise<LedgerEntry | null> {
    return this.entries.find((e) => e.userId === userId && e.idempotencyKey === idempotencyKey) ?? null;
  }

  async append(write: LedgerWrite): Promise<Result<AppendOutcome, 'INSUFFICIENT_BALANCE' | 'IDEMPOTENCY_KEY_REUSED'>> {
    const existing = await this.findByKey(write.userId, write.idempotencyKey);
    if (existing)
      return isReplayOf(existing, write) ? ok({ entry: existing, replayed: true }) : err('IDEMPOTENCY_KEY_REUSED');
    const next = applyEntry(this.balances.get(write.userId) ?? 0, write.kind, write.amount);
    if (!next.ok) return err('INSUFFICIENT_BALANCE');
    const entry: LedgerEntry = {
      transactionId: this.entries.length + 1,
      userId: write.userId,
      kind: write.kind,
      amount: write.amount as Won,
      balanceAfter: next.value as Won,
      idempotencyKey: write.idempotencyKey,
      reference: write.reference,
    };
    this.entries.push(entry);
    this.balances.set(write.userId, next.value);
    return ok({ entry, replayed: false });
  }
}
