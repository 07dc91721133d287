import { describe, expect, it } from 'vitest';
import { MetricsRegistry, parseMetricKey, percentile, RateSink, TrendSink } from './metrics';

describe('percentile (k6: linear interpolation at p/100 * (n - 1))', () => {
  it('interpolates between ranks', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(sorted, 50)).toBeCloseTo(5.5);
    expect(percentile(sorted, 90)).toBeCloseTo(9.1);
    expect(percentile(sorted, 95)).toBeCloseTo(9.55);
    expect(percentile(sorted, 100)).toBe(10);
  });

  it('handles 0 and 1 samples', () => {
    expect(percentile([], 95)).toBe(0);
    expect(percentile([42], 99)).toBe(42);
  });
});

describe('TrendSink', () => {
  it('computes avg/min/med/max/percentiles over unsorted input, growing past its initial capacity', () => {
    const t = new TrendSink();
    // 1..5000 in a scrambled order.
    for (let i = 0; i < 5000; i++) t.add(((i * 2903) % 5000) + 1);
    expect(t.count).toBe(5000);
    expect(t.min).toBe(1);
    expect(t.max).toBe(5000);
    expect(t.avg).toBeCloseTo(2500.5);
    expect(t.med).toBeCloseTo(2500.5);
    expect(t.p(99)).toBeCloseTo(4950.01);
    t.add(10_000);
    expect(t.max).toBe(10_000);
  });
});

describe('RateSink', () => {
  it('is the share of non-zero samples', () => {
    const r = new RateSink();
    for (const v of [true, false, true, true]) r.add(v);
    expect(r.rate).toBeCloseTo(0.75);
  });
});

describe('MetricsRegistry', () => {
  it('routes tagged samples to matching submetrics and keeps a per-name breakdown', () => {
    const reg = new MetricsRegistry();
    const d = reg.register('http_req_duration', 'trend', true);
    const sub = reg.submetric('http_req_duration{name:a,status:200}') as TrendSink;
    reg.add(d, 10, { name: 'a', status: '200' }, 'a');
    reg.add(d, 20, { name: 'a', status: '500' }, 'a');
    reg.add(d, 30, { name: 'b', status: '200' }, 'b');
    expect((d.sink as TrendSink).count).toBe(3);
    expect(sub.count).toBe(1);
    expect(sub.avg).toBe(10);
    const names = reg.byName.get('http_req_duration')!;
    expect(names.get('a')!.count).toBe(2);
    expect(names.get('b')!.avg).toBe(30);
  });

  it('returns the same metric for the same name and refuses a type clash', () => {
    const reg = new MetricsRegistry();
    expect(reg.register('x', 'counter')).toBe(reg.register('x', 'counter'));
    expect(() => reg.register('x', 'trend')).toThrow(/already registered/);
    expect(() => reg.register('bad name', 'trend')).toThrow(/invalid metric name/);
  });

  it('parses metric keys with tag filters', () => {
    expect(parseMetricKey('http_req_duration{name:catalog.availableDates}')).toEqual({
      name: 'http_req_duration',
      tags: { name: 'catalog.availableDates' },
    });
    expect(parseMetricKey('checks')).toEqual({ name: 'checks', tags: {} });
    expect(() => parseMetricKey('x{novalue}')).toThrow();
  });
});
