import { describe, expect, it } from 'vitest';
import { InMemoryWalletLedger } from '../testing';
import { isReservedLedgerKey, paymentLedgerKeys } from '../wallet.entity';
import { createChargeWallet } from './charge-wallet.use-case';
import { createGetBalance } from './get-balance.use-case';

describe('chargeWallet', () => {
  it('adds money and returns the new balance and a transaction id', async () => {
    const ledger = new InMemoryWalletLedger();
    const charge = createChargeWallet({ ledger });
    const first = await charge({ userId: 1, amount: 5_000, idempotencyKey: 'charge-0001' });
    const second = await charge({ userId: 1, amount: 2_000, idempotencyKey: 'charge-0002' });
    expect(first).toEqual({ ok: true, value: { balance: 5_000, transactionId: 1 } });
    expect(second).toEqual({ ok: true, value: { balance: 7_000, transactionId: 2 } });
    expect(await createGetBalance({ ledger })(1)).toEqual({ ok: true, value: { balance: 7_000 } });
  });

  it('returns the first result for a repeated key and changes nothing', async () => {
    const ledger = new InMemoryWalletLedger();
    const charge = createChargeWallet({ ledger });
    const first = await charge({ userId: 1, amount: 5_000, idempotencyKey: 'charge-0001' });
    await charge({ userId: 1, amount: 1_000, idempotencyKey: 'charge-0002' });
    const repeat = await charge({ userId: 1, amount: 5_000, idempotencyKey: 'charge-0001' });
    expect(repeat).toEqual(first);
    expect(ledger.entries).toHaveLength(2);
    expect(await ledger.balance(1)).toBe(6_000);
  });

  it('refuses the same key with another amount', async () => {
    const ledger = new InMemoryWalletLedger();
    const charge = createChargeWallet({ ledger });
    await charge({ userId: 1, amount: 5_000, idempotencyKey: 'charge-0001' });
    const reused = await charge({ userId: 1, amount: 6_000, idempotencyKey: 'charge-0001' });
    expect(!reused.ok && reused.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await ledger.balance(1)).toBe(5_000);
  });

  it('keeps keys per user', async () => {
    const ledger = new InMemoryWalletLedger();
    const charge = createChargeWallet({ ledger });
    await charge({ userId: 1, amount: 5_000, idempotencyKey: 'charge-0001' });
    const other = await charge({ userId: 2, amount: 6_000, idempotencyKey: 'charge-0001' });
    expect(other.ok && other.value.balance).toBe(6_000);
  });

  it.each([
    [0, 'charge-0001'],
    [1_000_001, 'charge-0001'],
    [1.5, 'charge-0001'],
    [100, 'short'],
    [100, 'x'.repeat(65)],
    [100, 'payment:12:debit'],
  ])('refuses amount %s with key %s as INVALID_INPUT', async (amount, idempotencyKey) => {
    const ledger = new InMemoryWalletLedger();
    const result = await createChargeWallet({ ledger })({ userId: 1, amount, idempotencyKey });
    expect(!result.ok && result.error.code).toBe('INVALID_INPUT');
    expect(ledger.entries).toHaveLength(0);
  });
});

describe('ledger rules', () => {
  it('never lets a debit take the balance below zero', async () => {
    const ledger = new InMemoryWalletLedger();
    await ledger.append({ userId: 1, kind: 'CHARGE', amount: 100, idempotencyKey: 'c-1', reference: null });
    const debit = await ledger.append({ userId: 1, kind: 'DEBIT', amount: 101, idempotencyKey: 'd-1', reference: 'x' });
    expect(debit).toEqual({ ok: false, error: 'INSUFFICIENT_BALANCE' });
    expect(await ledger.balance(1)).toBe(100);
  });

  it('reserves exactly the payment key shapes', () => {
    const keys = paymentLedgerKeys(42);
    expect(keys).toEqual({ debit: 'payment:42:debit', refund: 'payment:42:refund', reference: 'payment:42' });
    expect(isReservedLedgerKey(keys.debit)).toBe(true);
    expect(isReservedLedgerKey(keys.refund)).toBe(true);
    expect(isReservedLedgerKey('payment:42:something')).toBe(false);
    expect(isReservedLedgerKey('my-payment:42:debit')).toBe(false);
  });
});
