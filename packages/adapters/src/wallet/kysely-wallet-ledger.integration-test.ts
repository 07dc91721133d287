import { createChargeWallet } from '@concert/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { KyselyWalletLedger } from './kysely-wallet-ledger';

let t: TestDatabase;
let ledger: KyselyWalletLedger;

beforeAll(async () => {
  t = await createTestDatabase('wallet_ledger');
  ledger = new KyselyWalletLedger(t.db);
});
afterAll(async () => {
  await t?.destroy();
});

async function ledgerSum(userId: number): Promise<number> {
  const { rows } = await sql<{ total: string | number | null }>`
    SELECT SUM(CASE kind WHEN 'DEBIT' THEN -amount ELSE amount END) AS total
    FROM wallet_ledger WHERE user_id = ${userId}`.execute(t.db);
  return Number(rows[0]?.total ?? 0);
}

async function ledgerRows(userId: number) {
  return t.db.selectFrom('wallet_ledger').selectAll().where('user_id', '=', userId).orderBy('id').execute();
}

describe('KyselyWalletLedger', () => {
  it('reads 0 for a user without a wallet and refuses to debit it', async () => {
    expect(await ledger.balance(900)).toBe(0);
    const debit = await ledger.append({
      userId: 900,
      kind: 'DEBIT',
      amount: 1,
      idempotencyKey: 'd-900-1',
      reference: 'x',
    });
    expect(debit).toEqual({ ok: false, error: 'INSUFFICIENT_BALANCE' });
    expect(await ledgerRows(900)).toHaveLength(0);
  });

  it('charges, replays the first result for the same key, and refuses the key with another amount', async () => {
    const charge = createChargeWallet({ ledger });
    const first = await charge({ userId: 1, amount: 10_000, idempotencyKey: 'charge-a-0001' });
    const second = await charge({ userId: 1, amount: 500, idempotencyKey: 'charge-a-0002' });
    const repeat = await charge({ userId: 1, amount: 10_000, idempotencyKey: 'charge-a-0001' });
    const reused = await charge({ userId: 1, amount: 10_001, idempotencyKey: 'charge-a-0001' });
    expect(first.ok && first.value.balance).toBe(10_000);
    expect(second.ok && second.value.balance).toBe(10_500);
    // The first result, not the current balance: a repeat changes nothing and answers what it answered then.
    expect(repeat).toEqual(first);
    expect(!reused.ok && reused.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await ledger.balance(1)).toBe(10_500);
    expect(await ledgerRows(1)).toHaveLength(2);
  });

  it('turns 50 concurrent charges with one key into one ledger row and one balance increase', async () => {
    const charge = createChargeWallet({ ledger });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => charge({ userId: 2, amount: 7_000, idempotencyKey: 'same-key-0001' })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const ids = new Set(results.map((r) => r.ok && r.value.transactionId));
    const balances = new Set(results.map((r) => r.ok && r.value.balance));
    expect(ids.size).toBe(1);
    expect([...balances]).toEqual([7_000]);
    expect(await ledgerRows(2)).toHaveLength(1);
    expect(await ledger.balance(2)).toBe(7_000);
  });

  it('keeps the balance equal to the ledger sum under 50 concurrent distinct charges', async () => {
    const charge = createChargeWallet({ ledger });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        charge({ userId: 3, amount: 100 + i, idempotencyKey: `distinct-${i}-0001` }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const expected = Array.from({ length: 50 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0);
    expect(await ledger.balance(3)).toBe(expected);
    expect(await ledgerSum(3)).toBe(expected);
    // Every entry records the balance right after it, so the balances form one chain without gaps.
    const afters = (await ledgerRows(3)).map((r) => Number(r.balance_after));
    expect(new Set(afters).size).toBe(50);
    expect(Math.max(...afters)).toBe(expected);
  });

  it('never goes negative with concurrent debits racing charges, and the balance stays the ledger sum', async () => {
    await ledger.append({ userId: 4, kind: 'CHARGE', amount: 1_000, idempotencyKey: 'seed-4-0001', reference: null });
    const ops = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0
        ? ledger.append({ userId: 4, kind: 'CHARGE', amount: 100, idempotencyKey: `c-4-${i}`, reference: null })
        : ledger.append({ userId: 4, kind: 'DEBIT', amount: 150, idempotencyKey: `d-4-${i}`, reference: `p-${i}` }),
    );
    const results = await Promise.all(ops);
    const refused = results.filter((r) => !r.ok);
    expect(refused.every((r) => !r.ok && r.error === 'INSUFFICIENT_BALANCE')).toBe(true);
    const balance = await ledger.balance(4);
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(balance).toBe(await ledgerSum(4));
    const debits = results.filter((r, i) => r.ok && i % 3 !== 0).length;
    expect(balance).toBe(1_000 + 20 * 100 - debits * 150);
  });

  it('records a debit and its refund once each, however often they are repeated', async () => {
    await ledger.append({ userId: 5, kind: 'CHARGE', amount: 900, idempotencyKey: 'seed-5-0001', reference: null });
    const debit = {
      userId: 5,
      kind: 'DEBIT' as const,
      amount: 400,
      idempotencyKey: 'payment:77:debit',
      reference: 'payment:77',
    };
    const refund = { ...debit, kind: 'REFUND' as const, idempotencyKey: 'payment:77:refund' };
    const debits = await Promise.all(Array.from({ length: 10 }, () => ledger.append(debit)));
    const refunds = await Promise.all(Array.from({ length: 10 }, () => ledger.append(refund)));
    expect(debits.filter((r) => r.ok && !r.value.replayed)).toHaveLength(1);
    expect(refunds.filter((r) => r.ok && !r.value.replayed)).toHaveLength(1);
    expect((await ledgerRows(5)).map((r) => r.kind)).toEqual(['CHARGE', 'DEBIT', 'REFUND']);
    expect(await ledger.balance(5)).toBe(900);
    expect(await ledgerSum(5)).toBe(900);
  });
});
