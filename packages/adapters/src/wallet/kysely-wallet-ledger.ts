import {
  type AppendOutcome,
  applyEntry,
  err,
  isReplayOf,
  type LedgerEntry,
  type LedgerWrite,
  ok,
  type Result,
  type WalletLedger,
  type Won,
} from '@concert/domain';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, Db } from '../db/database';
import type { WalletLedgerTable } from '../db/tables/wallet.table';
import { isDuplicateKey, retryOnLockConflict } from './mysql-errors';

type AppendResult = Result<AppendOutcome, 'INSUFFICIENT_BALANCE' | 'IDEMPOTENCY_KEY_REUSED'>;

export function toLedgerEntry(row: Selectable<WalletLedgerTable>): LedgerEntry {
  return {
    transactionId: Number(row.id),
    userId: Number(row.user_id),
    kind: row.kind,
    amount: Number(row.amount) as Won,
    balanceAfter: Number(row.balance_after) as Won,
    idempotencyKey: row.idempotency_key,
    reference: row.reference,
  };
}

async function findEntry(db: Kysely<Database>, userId: number, key: string): Promise<LedgerEntry | null> {
  const row = await db
    .selectFrom('wallet_ledger')
    .selectAll()
    .where('user_id', '=', userId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  return row ? toLedgerEntry(row) : null;
}

/**
 * Appends one entry inside the caller's transaction (READ COMMITTED, so the plain read of the key sees what
 * committed before the lock was granted). The wallet row lock serialises every entry of one user, which is what
 * keeps `wallets.balance` equal to the ledger sum and makes the key check race-free; the UNIQUE index stays as a
 * backstop. Writes nothing unless the entry is new and allowed.
 */
export async function appendInTransaction(trx: Transaction<Database>, write: LedgerWrite): Promise<AppendResult> {
  let wallet = await trx
    .selectFrom('wallets')
    .select('balance')
    .where('user_id', '=', write.userId)
    .forUpdate()
    .executeTakeFirst();
  const existing = await findEntry(trx, write.userId, write.idempotencyKey);
  if (existing)
    return isReplayOf(existing, write) ? ok({ entry: existing, replayed: true }) : err('IDEMPOTENCY_KEY_REUSED');

  if (!wallet) {
    // No wallet yet means a balance of 0: a debit is refused without writing anything.
    if (write.kind === 'DEBIT') return err('INSUFFICIENT_BALANCE');
    await trx.insertInto('wallets').ignore().values({ user_id: write.userId, balance: 0 }).execute();
    wallet = await trx
      .selectFrom('wallets')
      .select('balance')
      .where('user_id', '=', write.userId)
      .forUpdate()
      .executeTakeFirstOrThrow();
  }
  const next = applyEntry(Number(wallet.balance), write.kind, write.amount);
  if (!next.ok) return err('INSUFFICIENT_BALANCE');

  const inserted = await trx
    .insertInto('wallet_ledger')
    .values({
      user_id: write.userId,
      kind: write.kind,
      amount: write.amount,
      balance_after: next.value,
      idempotency_key: write.idempotencyKey,
      reference: write.reference,
    })
    .executeTakeFirstOrThrow();
  await trx.updateTable('wallets').set({ balance: next.value }).where('user_id', '=', write.userId).execute();
  return ok({
    entry: {
      transactionId: Number(inserted.insertId),
      userId: write.userId,
      kind: write.kind,
      amount: write.amount as Won,
      balanceAfter: next.value as Won,
      idempotencyKey: write.idempotencyKey,
      reference: write.reference,
    },
    replayed: false,
  });
}

/** The wallet in MySQL: `wallets.balance` is a cache of the ledger sum, written in the same transaction. */
export class KyselyWalletLedger implements WalletLedger {
  constructor(private readonly db: Db) {}

  async balance(userId: number): Promise<number> {
    const row = await this.db.selectFrom('wallets').select('balance').where('user_id', '=', userId).executeTakeFirst();
    return row ? Number(row.balance) : 0;
  }

  findByKey(userId: number, idempotencyKey: string): Promise<LedgerEntry | null> {
    return findEntry(this.db, userId, idempotencyKey);
  }

  async append(write: LedgerWrite): Promise<AppendResult> {
    // Create the wallet row in its own statement, outside the transaction: INSERT IGNORE on an existing row takes
    // a shared lock, and two transactions upgrading that to FOR UPDATE would deadlock each other.
    if (write.kind !== 'DEBIT') {
      await this.db.insertInto('wallets').ignore().values({ user_id: write.userId, balance: 0 }).execute();
    }
    try {
      return await retryOnLockConflict(() =>
        this.db
          .transaction()
          .setIsolationLevel('read committed')
          .execute((trx) => appendInTransaction(trx, write)),
      );
    } catch (error) {
      // Only reachable if something bypassed the wallet lock: the unique index decided, the winner's row answers.
      if (!isDuplicateKey(error)) throw error;
      const winner = await this.findByKey(write.userId, write.idempotencyKey);
      if (!winner) throw error;
      return isReplayOf(winner, write) ? ok({ entry: winner, replayed: true }) : err('IDEMPOTENCY_KEY_REUSED');
    }
  }
}

/** The same ledger bound to a caller's transaction (the payment saga's unit of work): never opens its own. */
export class TransactionalWalletLedger implements WalletLedger {
  constructor(private readonly trx: Transaction<Database>) {}

  async balance(userId: number): Promise<number> {
    const row = await this.trx.selectFrom('wallets').select('balance').where('user_id', '=', userId).executeTakeFirst();
    return row ? Number(row.balance) : 0;
  }

  findByKey(userId: number, idempotencyKey: string): Promise<LedgerEntry | null> {
    return findEntry(this.trx, userId, idempotencyKey);
  }

  append(write: LedgerWrite): Promise<AppendResult> {
    return appendInTransaction(this.trx, write);
  }
}
