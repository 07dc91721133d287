import { err, ok, type Result } from './result';

/** Money is an integer number of won: no floats, no decimals, never negative in a balance. */
export type Won = number & { readonly __brand: 'Won' };

export const MAX_WON = 1_000_000_000_000;

export function won(amount: number): Result<Won, 'INVALID_AMOUNT'> {
  if (!Number.isSafeInteger(amount) || amount < 0 || amount > MAX_WON) return err('INVALID_AMOUNT');
  return ok(amount as Won);
}

export function addWon(a: Won, b: Won): Won {
  return (a + b) as Won;
}

/** Subtraction that refuses to go below zero: a balance can never be negative. */
export function subtractWon(a: Won, b: Won): Result<Won, 'INSUFFICIENT_BALANCE'> {
  return a < b ? err('INSUFFICIENT_BALANCE') : ok((a - b) as Won);
}
