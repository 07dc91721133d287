import { describe, expect, it } from 'vitest';
import { parseCron } from './cron';
import { evaluateExpression, evaluateValue, UnsupportedExpressionError } from './expression';
import { parseDuration } from './local-runner';

describe('expression subset (trigger and waitForEvent `if`)', () => {
  const scope = {
    event: { data: { orderId: 'o-1', n: 3, ok: true } },
    async: { data: { orderId: 'o-1', n: 4, name: "it's" } },
  };
  it('evaluates the forms the SDK and the product emit', () => {
    expect(evaluateExpression('event.data.orderId == async.data.orderId', scope)).toBe(true);
    expect(evaluateExpression("event.data.orderId == 'o-2'", scope)).toBe(false);
    expect(evaluateExpression('event.data.n < async.data.n && event.data.ok == true', scope)).toBe(true);
    expect(evaluateExpression('event.data.n >= 4 || async.data.n >= 4', scope)).toBe(true);
    expect(evaluateExpression('async.data.name == "it\'s"', scope)).toBe(true);
    expect(evaluateExpression('event.data.missing == async.data.missing', scope)).toBe(false);
    expect(evaluateValue('event.data.orderId', scope)).toBe('o-1');
  });
  it('rejects what it does not understand instead of guessing', () => {
    expect(() => evaluateExpression('size(event.data.items) > 2', scope)).toThrow(UnsupportedExpressionError);
    expect(() => evaluateExpression('a && b || c', scope)).toThrow(UnsupportedExpressionError);
  });
});

describe('cron', () => {
  const at = (iso: string) => new Date(iso);
  it('matches minutes, steps, ranges, lists and days', () => {
    expect(parseCron('* * * * *').matches(at('2026-01-01T10:07:00Z'))).toBe(true);
    expect(parseCron('*/15 * * * *').matches(at('2026-01-01T10:30:00Z'))).toBe(true);
    expect(parseCron('*/15 * * * *').matches(at('2026-01-01T10:31:00Z'))).toBe(false);
    expect(parseCron('0 9-17 * * 1-5').matches(at('2026-01-05T09:00:00Z'))).toBe(true); // Monday
    expect(parseCron('0 9-17 * * 1-5').matches(at('2026-01-04T09:00:00Z'))).toBe(false); // Sunday
    expect(parseCron('TZ=Asia/Seoul 0 0 1,15 * *').matches(at('2026-02-15T00:00:00Z'))).toBe(true);
    expect(parseCron('0 0 * * 7').matches(at('2026-01-04T00:00:00Z'))).toBe(true);
  });
  it('rejects unsupported syntax', () => {
    expect(() => parseCron('* * * *')).toThrow();
    expect(() => parseCron('61 * * * *')).toThrow();
    expect(() => parseCron('@hourly')).toThrow();
  });
});

describe('durations', () => {
  it('parses Inngest duration strings', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1s')).toBe(1_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(() => parseDuration('soon')).toThrow();
  });
});
