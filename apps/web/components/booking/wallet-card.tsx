'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { formatWon, newIdempotencyKey } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import { ErrorNote } from '../error-note';

const PRESETS = [50_000, 100_000, 300_000];

export function WalletCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const balance = useQuery(trpc.wallet.balance.queryOptions({}));
  const charge = useMutation(trpc.wallet.charge.mutationOptions());
  const [amount, setAmount] = useState('100000');
  const value = Number(amount);
  const valid = Number.isInteger(value) && value >= 1 && value <= 1_000_000;

  return (
    <section className="card stack" data-testid="wallet">
      <div className="spread">
        <h2 style={{ margin: 0 }}>Wallet</h2>
        <span className="stat-value" style={{ fontWeight: 800, fontSize: '1.2rem' }} data-testid="wallet-balance">
          {balance.data ? formatWon(balance.data.balance) : '…'}
        </span>
      </div>
      <ErrorNote error={balance.error} />
      <form
        className="stack"
        style={{ gap: 8 }}
        onSubmit={(event) => {
          event.preventDefault();
          if (!valid) return;
          // One key per submit: a double submit of the same click cannot charge twice.
          charge.mutate(
            { amount: value, idempotencyKey: newIdempotencyKey('charge') },
            {
              onSuccess: (res) => {
                queryClient.setQueryData(trpc.wallet.balance.queryKey({}), { balance: res.balance });
              },
            },
          );
        }}
      >
        <div className="row" style={{ gap: 6 }}>
          {PRESETS.map((preset) => (
            <button key={preset} type="button" className="btn btn-sm" onClick={() => setAmount(String(preset))}>
              {formatWon(preset)}
            </button>
          ))}
        </div>
        <div className="row" style={{ flexWrap: 'nowrap' }}>
          <input
            className="input"
            style={{ flex: 1 }}
            inputMode="numeric"
            aria-label="Charge amount"
            value={amount}
            onChange={(event) => setAmount(event.target.value.replace(/[^0-9]/g, ''))}
          />
          <button type="submit" className="btn" disabled={!valid || charge.isPending}>
            {charge.isPending ? 'Charging…' : 'Charge'}
          </button>
        </div>
        {!valid && amount ? <p className="subtle small">Between ₩1 and ₩1,000,000 per charge.</p> : null}
      </form>
      <ErrorNote error={charge.error} />
    </section>
  );
}
