import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDir } from './cli-args';
import { registerBuiltinMetrics } from './k6-shims';
import { MetricsRegistry } from './metrics';
import { jsonReport, markdownReport, textSummary } from './report';
import type { RunResult } from './run';

function fakeResult(): RunResult {
  const registry = new MetricsRegistry();
  const b = registerBuiltinMetrics(registry);
  for (let i = 1; i <= 100; i++) {
    registry.add(b.httpReqs, 1);
    registry.add(b.httpReqDuration, i, { name: 'catalog.availableDates' }, 'catalog.availableDates');
    registry.add(b.httpReqFailed, false);
  }
  return {
    registry,
    checks: new Map([['dates: status 200', { passes: 99, fails: 1 }]]),
    thresholds: [{ metric: 'http_req_failed', expression: 'rate<0.01', actual: 0, ok: true }],
    scenarios: [],
    options: {},
    durationMs: 10_000,
    startedAt: new Date('2026-11-26T01:00:00Z'),
    errors: new Map(),
    aborted: null,
    interrupted: 0,
  };
}

describe('reports', () => {
  it('puts our per-endpoint figures beside the seed and NestJS rows for the scenario', () => {
    const md = markdownReport(
      'seed-dates',
      fakeResult(),
      { API_URL: 'http://127.0.0.1:3001' },
      path.join(loadDir, 'baselines'),
    );
    expect(md).toContain('| **ours** (seed-dates) | 10.0 | 50.50 | 90.10 | 95.05 | 1.00 | 100.00 |');
    expect(md).toContain('| seed: dates, cached | - | 162.34 | 452.90 | 532.53 | 13.73 | 970.48 |');
    expect(md).toContain('| NestJS: dates / performances list (cached) | 5207 | - | - | 28.90 | - | - |');
    expect(md).toContain('seed p95 / our p95 (dates, cached): 5.6×');
    expect(md).toContain('| dates: status 200 | 99 | 1 |');
  });

  it('summarizes like k6 and serializes every aggregate', () => {
    const result = fakeResult();
    const text = textSummary(result);
    expect(text).toContain('✗ dates: status 200');
    expect(text).toMatch(/http_reqs \.+: 100 10\.00\/s/);
    expect(text).toMatch(
      /http_req_duration \.+: avg=50\.50ms min=1\.00ms med=50\.50ms p\(90\)=90\.10ms p\(95\)=95\.05ms p\(99\)=99\.01ms max=100\.00ms/,
    );
    const json = jsonReport('seed-dates', result, {});
    expect(json.metrics.http_reqs).toEqual({ type: 'counter', count: 100, rate: 10 });
    expect(json.endpoints['catalog.availableDates']!.p95).toBeCloseTo(95.05);
  });
});
