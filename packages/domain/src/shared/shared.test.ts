import { describe, expect, it } from 'vitest';
import { addWon, DomainError, err, isDomainError, ok, subtractWon, unwrap, won } from './index';

describe('Result', () => {
  it('unwraps values and throws on failures', () => {
    expect(unwrap(ok(3))).toBe(3);
    expect(() => unwrap(err('X'))).toThrow(/unwrap/);
  });
});

describe('DomainError', () => {
  it('carries a stable code', () => {
    const e = new DomainError('SEAT_UNAVAILABLE', 'taken');
    expect(e.code).toBe('SEAT_UNAVAILABLE');
    expect(e.message).toBe('taken');
    expect(isDomainError(e)).toBe(true);
    expect(isDomainError(new Error('x'))).toBe(false);
  });
});

describe('money', () => {
  it('accepts only non-negative safe integers', () => {
    expect(won(1000).ok).toBe(true);
    expect(won(-1).ok).toBe(false);
    expect(won(1.5).ok).toBe(false);
    expect(won(Number.MAX_SAFE_INTEGER).ok).toBe(false);
  });
  it('never subtracts below zero', () => {
    const a = unwrap(won(100));
    const b = unwrap(won(150));
    expect(subtractWon(a, b)).toEqual({ ok: false, error: 'INSUFFICIENT_BALANCE' });
    expect(subtractWon(b, a)).toEqual({ ok: true, value: 50 });
    expect(addWon(a, b)).toBe(250);
  });
});
