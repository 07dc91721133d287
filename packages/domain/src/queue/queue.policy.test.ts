import { describe, expect, it } from 'vitest';
import {
  ABANDON_GRACE_MS,
  abandonAfterMs,
  admissionCapacity,
  etaSeconds,
  nextAdmissionRate,
  POLL_JITTER,
  pollAfterMs,
  pollBandsArg,
  pollBaseMs,
  RATE_MAX_GAP_MS,
  RATE_TAU_MS,
} from './queue.policy';

const capacity = admissionCapacity({ tickMs: 1000, admitPerTick: 50, maxActive: 500, activeTtlSeconds: 600 });

describe('poll interval', () => {
  it('asks the front of the line every 1-2 s', () => {
    for (const position of [1, 5, 10]) {
      for (const r of [0, 0.5, 0.999]) {
        const ms = pollAfterMs(position, r);
        expect(ms).toBeGreaterThanOrEqual(1000);
        expect(ms).toBeLessThanOrEqual(2000);
      }
    }
  });

  it('asks users beyond 10,000 every 30 s or more', () => {
    for (const position of [10_001, 50_000, 1_000_000]) {
      expect(pollAfterMs(position, 0)).toBeGreaterThanOrEqual(30_000);
      expect(pollAfterMs(position, 0.99)).toBeGreaterThanOrEqual(30_000);
    }
  });

  it('never shrinks as the position grows', () => {
    let previous = 0;
    for (let position = 1; position <= 200_000; position += 97) {
      const base = pollBaseMs(position);
      expect(base).toBeGreaterThanOrEqual(previous);
      previous = base;
    }
  });

  it('jitters upward only, within the jitter bound, so polls spread out', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100; i++) {
      const ms = pollAfterMs(500, i / 100);
      expect(ms).toBeGreaterThanOrEqual(pollBaseMs(500));
      expect(ms).toBeLessThanOrEqual(pollBaseMs(500) * (1 + POLL_JITTER));
      seen.add(ms);
    }
    expect(seen.size).toBeGreaterThan(50);
  });

  it('drops a waiter only after three missed polls plus a grace', () => {
    expect(abandonAfterMs(1)).toBeGreaterThan(3 * pollAfterMs(1, 0.999));
    expect(abandonAfterMs(20_000)).toBeGreaterThan(3 * pollAfterMs(20_000, 0.999));
    expect(abandonAfterMs(1)).toBeGreaterThanOrEqual(ABANDON_GRACE_MS);
  });

  it('flattens the bands for the Redis scripts, open band as -1', () => {
    expect(pollBandsArg()).toMatch(/^(\d+,\d+,)+-1,\d+$/);
  });
});

describe('ETA', () => {
  it('divides the position by the measured rate, rounding up', () => {
    expect(etaSeconds(100, 10, capacity)).toBe(10);
    expect(etaSeconds(101, 10, capacity)).toBe(11);
    expect(etaSeconds(1, 10, capacity)).toBe(1);
  });

  it('uses the configured maximum before anything was measured', () => {
    expect(capacity.maxRatePerSec).toBe(50);
    expect(etaSeconds(5_000, null, capacity)).toBe(100);
  });

  it('never promises more than the configured rate, nor less than the TTL turnover', () => {
    expect(etaSeconds(5_000, 1_000, capacity)).toBe(100);
    // Room full, nothing admitted lately: every ACTIVE pass still ends within its TTL (500 per 600 s).
    expect(capacity.floorRatePerSec).toBeCloseTo(500 / 600);
    expect(etaSeconds(500, 0, capacity)).toBe(600);
  });

  it('is zero for nobody in line', () => {
    expect(etaSeconds(0, 5, capacity)).toBe(0);
  });
});

describe('admission rate moving average', () => {
  it('starts at the first measurement', () => {
    expect(nextAdmissionRate(null, 50, 1000)).toBe(50);
  });

  it('moves toward the new rate by 1 - exp(-dt/tau)', () => {
    const next = nextAdmissionRate(10, 50, 1000);
    const w = 1 - Math.exp(-1000 / RATE_TAU_MS);
    expect(next).toBeCloseTo(10 + w * (50 - 10));
    expect(next).toBeGreaterThan(10);
    expect(next).toBeLessThan(50);
  });

  it('converges to a steady rate', () => {
    let rate: number | null = null;
    for (let i = 0; i < 600; i++) rate = nextAdmissionRate(rate, 20, 1000);
    expect(rate).toBeCloseTo(20, 3);
  });

  it('is not jerked around by two tickers sampling a millisecond apart', () => {
    const a = nextAdmissionRate(20, 20, 999);
    const b = nextAdmissionRate(a, 0, 1);
    expect(b).toBeGreaterThan(19);
    expect(b).toBeLessThan(21);
  });

  it('caps a long gap instead of reading it as a stall', () => {
    expect(nextAdmissionRate(null, 0, 3_600_000)).toBe(0);
    expect(nextAdmissionRate(null, 50, 3_600_000)).toBe((50 * 1000) / RATE_MAX_GAP_MS);
  });
});
