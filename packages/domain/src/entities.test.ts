import { describe, expect, it } from 'vitest';
import { isSeatAvailable, SEAT_TRANSITIONS } from './catalog';
import { PAYMENT_TRANSITIONS } from './payment';
import { isPayable, RESERVATION_TRANSITIONS } from './reservation';
import { transition } from './shared';
import { applyEntry, ledgerDelta } from './wallet';

describe('seat transitions', () => {
  it('allows AVAILABLE -> HELD -> SOLD and HELD -> AVAILABLE only', () => {
    expect(transition('seat', SEAT_TRANSITIONS, 'AVAILABLE', 'HELD').ok).toBe(true);
    expect(transition('seat', SEAT_TRANSITIONS, 'HELD', 'SOLD').ok).toBe(true);
    expect(transition('seat', SEAT_TRANSITIONS, 'HELD', 'AVAILABLE').ok).toBe(true);
    expect(transition('seat', SEAT_TRANSITIONS, 'AVAILABLE', 'SOLD').ok).toBe(false);
    expect(transition('seat', SEAT_TRANSITIONS, 'SOLD', 'AVAILABLE').ok).toBe(false);
    const bad = transition('seat', SEAT_TRANSITIONS, 'SOLD', 'HELD');
    expect(!bad.ok && bad.error.code).toBe('INVALID_TRANSITION');
  });
  it('treats a hold past its deadline as available', () => {
    const now = new Date('2026-01-01T00:00:10Z');
    expect(isSeatAvailable({ status: 'AVAILABLE', heldUntil: null }, now)).toBe(true);
    expect(isSeatAvailable({ status: 'HELD', heldUntil: new Date('2026-01-01T00:00:20Z') }, now)).toBe(false);
    expect(isSeatAvailable({ status: 'HELD', heldUntil: new Date('2026-01-01T00:00:05Z') }, now)).toBe(true);
    expect(isSeatAvailable({ status: 'SOLD', heldUntil: null }, now)).toBe(false);
  });
});

describe('reservation transitions', () => {
  it('ends in CONFIRMED, RELEASED or EXPIRED, all final', () => {
    for (const to of ['CONFIRMED', 'RELEASED', 'EXPIRED'] as const) {
      expect(transition('reservation', RESERVATION_TRANSITIONS, 'HELD', to).ok).toBe(true);
      expect(transition('reservation', RESERVATION_TRANSITIONS, to, 'HELD').ok).toBe(false);
    }
  });
  it('is payable only while HELD and before the deadline', () => {
    const now = new Date('2026-01-01T00:00:10Z');
    const later = new Date('2026-01-01T00:01:00Z');
    expect(isPayable({ status: 'HELD', expiresAt: later }, now)).toBe(true);
    expect(isPayable({ status: 'HELD', expiresAt: now }, now)).toBe(false);
    expect(isPayable({ status: 'RELEASED', expiresAt: later }, now)).toBe(false);
  });
});

describe('payment transitions', () => {
  it('moves PENDING to COMPLETED or FAILED, never back', () => {
    expect(transition('payment', PAYMENT_TRANSITIONS, 'PENDING', 'COMPLETED').ok).toBe(true);
    expect(transition('payment', PAYMENT_TRANSITIONS, 'PENDING', 'FAILED').ok).toBe(true);
    expect(transition('payment', PAYMENT_TRANSITIONS, 'FAILED', 'COMPLETED').ok).toBe(false);
    expect(transition('payment', PAYMENT_TRANSITIONS, 'COMPLETED', 'PENDING').ok).toBe(false);
  });
});

describe('wallet ledger', () => {
  it('debits subtract, charges and refunds add, and nothing goes negative', () => {
    expect(ledgerDelta('DEBIT', 10)).toBe(-10);
    expect(ledgerDelta('REFUND', 10)).toBe(10);
    expect(applyEntry(100, 'CHARGE', 50)).toEqual({ ok: true, value: 150 });
    expect(applyEntry(100, 'DEBIT', 100)).toEqual({ ok: true, value: 0 });
    expect(applyEntry(100, 'DEBIT', 101)).toEqual({ ok: false, error: 'INSUFFICIENT_BALANCE' });
  });
});
