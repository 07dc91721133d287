import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './metrics';
import { evaluateThresholds, parseThreshold, prepareThresholds } from './thresholds';

function registryWith(durations: number[], failed: boolean[]) {
  const reg = new MetricsRegistry();
  const d = reg.register('http_req_duration', 'trend', true);
  const f = reg.register('http_req_failed', 'rate');
  const c = reg.register('http_reqs', 'counter');
  return {
    reg,
    d,
    f,
    c,
    fill: () => {
      for (const v of durations) {
        reg.add(d, v, { name: v > 50 ? 'slow' : 'fast' });
        reg.add(c, 1);
      }
      for (const v of failed) reg.add(f, v);
    },
  };
}

describe('thresholds', () => {
  it('parses the k6 expression forms', () => {
    expect(parseThreshold('p(95)<500')).toEqual({ aggregation: 'p', pct: 95, op: '<', bound: 500 });
    expect(parseThreshold('p(99.9) <= 1.5')).toEqual({ aggregation: 'p', pct: 99.9, op: '<=', bound: 1.5 });
    expect(parseThreshold('rate<0.01')).toMatchObject({ aggregation: 'rate', op: '<', bound: 0.01 });
    expect(parseThreshold('count>=10')).toMatchObject({ aggregation: 'count', op: '>=', bound: 10 });
    expect(() => parseThreshold('p95 < 500')).toThrow(/unsupported threshold/);
  });

  it('passes and fails on the aggregated values, including tagged submetrics', () => {
    const durations = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100 ms
    const { reg, fill } = registryWith(durations, [false, false, false, true]); // 25% failed
    const options = {
      http_req_duration: ['p(95)<200', 'p(95)<50', 'avg<100', 'max<=100'],
      'http_req_duration{name:fast}': ['max<=50'],
      http_req_failed: ['rate<0.01'],
      http_reqs: [{ threshold: 'count==100', abortOnFail: true }],
    };
    prepareThresholds(options, reg);
    fill();
    const results = evaluateThresholds(options, reg);
    const byExpr = Object.fromEntries(results.map((r) => [`${r.metric} ${r.expression}`, r.ok]));
    expect(byExpr).toEqual({
      'http_req_duration p(95)<200': true,
      'http_req_duration p(95)<50': false,
      'http_req_duration avg<100': true,
      'http_req_duration max<=100': true,
      'http_req_duration{name:fast} max<=50': true,
      'http_req_failed rate<0.01': false,
      'http_reqs count==100': true,
    });
    expect(results.find((r) => r.expression === 'p(95)<50')!.actual).toBeCloseTo(95.05);
  });

  it('fails a threshold on a metric that never existed, and refuses mismatched aggregations', () => {
    const reg = new MetricsRegistry();
    reg.register('http_req_failed', 'rate');
    expect(evaluateThresholds({ nope: ['count>0'] }, reg)).toEqual([
      { metric: 'nope', expression: 'count>0', actual: null, ok: false },
    ]);
    expect(() => evaluateThresholds({ http_req_failed: ['p(95)<1'] }, reg)).toThrow(/does not apply/);
    // Declared but never sampled: no data is a failure, not a p95 of 0; a counter at 0 is a value.
    const d = reg.register('http_req_duration', 'trend', true);
    reg.register('dropped_iterations', 'counter');
    const opts = { 'http_req_duration{name:reservation.hold}': ['p(95)<200'], dropped_iterations: ['count<100'] };
    prepareThresholds(opts, reg);
    reg.add(d, 5, { name: 'other' });
    expect(evaluateThresholds(opts, reg)).toEqual([
      { metric: 'http_req_duration{name:reservation.hold}', expression: 'p(95)<200', actual: null, ok: false },
      { metric: 'dropped_iterations', expression: 'count<100', actual: 0, ok: true },
    ]);
  });
});
