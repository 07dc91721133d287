import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDir, parseArgs, resolveScenario } from './cli-args';
import { HttpTransport } from './http-client';
import { createModules, type RunShared, registerBuiltinMetrics, type VuState } from './k6-shims';
import { MetricsRegistry } from './metrics';
import { maxVusOf, plannedDurationMs, planScenarios } from './options';
import { DEFAULT_LIMITS } from './run';
import { instantiate, loadScript } from './script-loader';
import { prepareThresholds } from './thresholds';

describe('parseArgs', () => {
  it('collects --env/-e pairs and the --duration/--rate shorthands', () => {
    const a = parseArgs([
      'seed-dates',
      '--env',
      'STAGE=5s',
      '-e',
      'X=a=b',
      '--duration',
      '10s',
      '--rate',
      '50',
      '--no-report',
    ]);
    expect(a).toMatchObject({ scenario: 'seed-dates', report: false });
    expect(a.env).toEqual({ STAGE: '5s', X: 'a=b', DURATION: '10s', RATE: '50' });
  });

  it('refuses unknown options and malformed pairs', () => {
    expect(() => parseArgs([])).toThrow(/usage/);
    expect(() => parseArgs(['x', '--vus', '3'])).toThrow(/unknown option --vus/);
    expect(() => parseArgs(['x', '--env', 'NOVALUE'])).toThrow(/KEY=VALUE/);
  });

  it('resolves scenario names to load/scenarios/*.js', () => {
    expect(resolveScenario('seed-dates')).toEqual({
      file: path.join(loadDir, 'scenarios', 'seed-dates.js'),
      name: 'seed-dates',
    });
    expect(() => resolveScenario('no-such-scenario')).toThrow(/no scenario/);
  });
});

// Every shipped scenario must load, transform and plan within the runner's limits, without sending anything.
describe('shipped scenarios', () => {
  const files = readdirSync(path.join(loadDir, 'scenarios')).filter((f) => f.endsWith('.js'));

  it('include the seed profiles and the open-model rate scenarios', () => {
    expect(files.sort()).toEqual(
      expect.arrayContaining([
        'seed-dates.js',
        'seed-seats.js',
        'seed-hold.js',
        'seed-queue.js',
        'queue-status-rate.js',
        'catalog-dates-rate.js',
        'catalog-seats-rate.js',
        'hold-rate.js',
      ]),
    );
  });

  for (const file of files) {
    it(`${file} loads and plans`, () => {
      const script = loadScript(path.join(loadDir, 'scenarios', file));
      const registry = new MetricsRegistry();
      const transport = new HttpTransport(1);
      const shared = {
        registry,
        transport,
        builtin: registerBuiltinMetrics(registry),
        checks: new Map(),
        options: {},
        runStartMs: Date.now(),
        discardResponseBodies: false,
        instance: { vusActive: 0, vusInitialized: 0, iterationsCompleted: 0, iterationsInterrupted: 0 },
        maxRequests: 0,
        requestCount: 0,
        abort: () => {
          throw new Error('a scenario made a request during init');
        },
      } satisfies RunShared;
      const vu: VuState = {
        id: 0,
        iter: 0,
        scenario: 'init',
        executor: '',
        scenarioIteration: 0,
        scenarioStartMs: 0,
        groupPath: '',
        signal: new AbortController().signal,
      };
      const exports = instantiate(script, createModules(shared, vu), { API_URL: 'http://127.0.0.1:3001' }, 0, {
        iter: 0,
      });
      transport.close();
      expect(typeof exports.default).toBe('function');
      const options = exports.options as Record<string, unknown>;
      const plans = planScenarios(options);
      prepareThresholds(options.thresholds, registry);
      expect(Math.max(...plans.map(plannedDurationMs))).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDurationMs);
      expect(plans.reduce((a, p) => a + maxVusOf(p), 0)).toBeLessThanOrEqual(DEFAULT_LIMITS.maxVUs);
      if (file.startsWith('seed-') && file !== 'seed-queue.js') {
        expect(options.stages).toEqual([100, 200, 300, 200, 100, 0].map((target) => ({ duration: '20s', target })));
      }
      if (file.endsWith('-rate.js')) expect(plans[0]!.executor).toBe('constant-arrival-rate');
    });
  }
});
