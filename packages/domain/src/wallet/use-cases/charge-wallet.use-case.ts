import { err, ok, type Result } from '../../shared';
import type { WalletLedger } from '../ports/wallet-ledger.port';
import {
  CHARGE_MAX,
  CHARGE_MIN,
  IDEMPOTENCY_KEY_MAX,
  IDEMPOTENCY_KEY_MIN,
  isReservedLedgerKey,
} from '../wallet.entity';
import {
  type IdempotencyKeyReused,
  type InvalidWalletInput,
  idempotencyKeyReused,
  invalidWalletInput,
} from '../wallet.errors';

export interface ChargeWalletInput {
  readonly userId: number;
  readonly amount: number;
  readonly idempotencyKey: string;
}

export interface ChargeWalletOutput {
  /** The balance right after this charge was first applied (a replay returns that same figure). */
  readonly balance: number;
  readonly transactionId: number;
}

export type ChargeWalletError = InvalidWalletInput | IdempotencyKeyReused;

/**
 * Adds money to a wallet. Idempotent on (user, key): a repeat with the same amount returns the first result and
 * changes nothing; the same key with another amount is IDEMPOTENCY_KEY_REUSED.
 */
export function createChargeWallet(deps: { ledger: WalletLedger }) {
  return async (input: ChargeWalletInput): Promise<Result<ChargeWalletOutput, ChargeWalletError>> => {
    if (!Number.isSafeInteger(input.amount) || input.amount < CHARGE_MIN || input.amount > CHARGE_MAX)
      return err(invalidWalletInput(`amount must be an integer from ${CHARGE_MIN} to ${CHARGE_MAX}`));
    const keyLength = input.idempotencyKey.length;
    if (keyLength < IDEMPOTENCY_KEY_MIN || keyLength > IDEMPOTENCY_KEY_MAX)
      return err(invalidWalletInput(`idempotencyKey must be ${IDEMPOTENCY_KEY_MIN}-${IDEMPOTENCY_KEY_MAX} characters`));
    if (isReservedLedgerKey(input.idempotencyKey))
      return err(invalidWalletInput('idempotencyKey of the form payment:<id>:debit|refund is reserved'));

    const appended = await deps.ledger.append({
      userId: input.userId,
      kind: 'CHARGE',
      amount: input.amount,
      idempotencyKey: input.idempotencyKey,
      reference: null,
    });
    if (!appended.ok) {
      // A CHARGE can never be refused for balance; the only expected failure is a reused key.
      return err(idempotencyKeyReused(input.idempotencyKey));
    }
    const { entry } = appended.value;
    return ok({ balance: entry.balanceAfter, transactionId: entry.transactionId });
  };
}

export type ChargeWallet = ReturnType<typeof createChargeWallet>;
