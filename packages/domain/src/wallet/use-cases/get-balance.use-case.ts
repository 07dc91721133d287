import { ok, type Result } from '../../shared';
import type { WalletLedger } from '../ports/wallet-ledger.port';

/** A user without a wallet row simply has a balance of 0. */
export function createGetBalance(deps: { ledger: WalletLedger }) {
  return async (userId: number): Promise<Result<{ balance: number }, never>> =>
    ok({ balance: await deps.ledger.balance(userId) });
}

export type GetBalance = ReturnType<typeof createGetBalance>;
