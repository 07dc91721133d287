import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CounterSink, GaugeSink, RateSink, TrendSink } from './metrics';
import type { RunResult } from './run';

/**
 * The end-of-run summary (k6's layout) and the report files: JSON with every aggregate, Markdown that puts our
 * figures beside the seed's (load/baselines/seed.json) and the NestJS servers' (load/baselines/nestjs.json).
 */

interface BaselineRow {
  label: string;
  p50?: number | null;
  p90?: number | null;
  p95?: number | null;
  min?: number | null;
  max?: number | null;
  rps?: number;
}
interface Baselines {
  source: string;
  rows: Record<string, BaselineRow>;
}

/** Which of our endpoints (`name` tag) each scenario is compared on, and with which baseline rows. */
export const COMPARISONS: Record<string, { endpoint: string; seed: string[]; nestjs: string[] }[]> = {
  'seed-dates': [{ endpoint: 'catalog.availableDates', seed: ['dates-cached', 'dates-nocache'], nestjs: ['dates'] }],
  'seed-seats': [
    {
      endpoint: 'catalog.availableSeats',
      seed: ['seats-fixed', 'seats-fullscan'],
      nestjs: ['seats-cache', 'seats-nocache'],
    },
  ],
  'seed-hold': [
    { endpoint: 'reservation.hold', seed: ['hold-async', 'hold-sync'], nestjs: [] },
    { endpoint: 'queue.enter', seed: [], nestjs: ['queue-enter'] },
  ],
  'seed-queue': [
    { endpoint: 'queue.status', seed: ['queue-final', 'queue-poll-20s', 'queue-poll-10s'], nestjs: ['queue-status'] },
    { endpoint: 'queue.enter', seed: [], nestjs: ['queue-enter'] },
  ],
  'queue-status-rate': [{ endpoint: 'queue.status', seed: ['queue-final'], nestjs: ['queue-status'] }],
  'catalog-dates-rate': [{ endpoint: 'catalog.availableDates', seed: ['dates-cached'], nestjs: ['dates'] }],
  'catalog-seats-rate': [
    { endpoint: 'catalog.availableSeats', seed: ['seats-fixed'], nestjs: ['seats-cache', 'seats-nocache'] },
  ],
  'hold-rate': [{ endpoint: 'reservation.hold', seed: ['hold-async'], nestjs: [] }],
};

const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'];

function trendStat(sink: TrendSink, stat: string): number {
  const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
  if (m) return sink.p(Number(m[1]));
  switch (stat) {
    case 'avg':
      return sink.avg;
    case 'min':
      return sink.min;
    case 'med':
      return sink.med;
    case 'max':
      return sink.max;
    case 'count':
      return sink.count;
    default:
      throw new Error(`unknown trend stat '${stat}'`);
  }
}

export function formatMs(ms: number): string {
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(2)}m`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 1) return `${ms.toFixed(2)}ms`;
  return `${(ms * 1000).toFixed(2)}µs`;
}

export interface TrendSummary {
  count: number;
  avg: number;
  min: number;
  med: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  rps: number;
}

export function summarizeTrend(sink: TrendSink, durationMs: number): TrendSummary {
  return {
    count: sink.count,
    avg: sink.avg,
    min: sink.min,
    med: sink.med,
    p90: sink.p(90),
    p95: sink.p(95),
    p99: sink.p(99),
    max: sink.max,
    rps: durationMs > 0 ? sink.count / (durationMs / 1000) : 0,
  };
}

/** Every metric as plain numbers, for the JSON report. */
export function metricsToJson(result: RunResult): Record<string, Record<string, number | string>> {
  const out: Record<string, Record<string, number | string>> = {};
  const seconds = result.durationMs / 1000;
  for (const metric of result.registry.metrics.values()) {
    const entries: [string, Metric['sink']][] = [
      [metric.name, metric.sink],
      ...metric.submetrics.map((s) => [s.key, s.sink] as [string, Metric['sink']]),
    ];
    for (const [key, sink] of entries) {
      if (sink instanceof TrendSink) out[key] = { type: 'trend', ...summarizeTrend(sink, result.durationMs) };
      else if (sink instanceof CounterSink) out[key] = { type: 'counter', count: sink.sum, rate: sink.sum / seconds };
      else if (sink instanceof RateSink)
        out[key] = { type: 'rate', rate: sink.rate, passes: sink.trues, fails: sink.total - sink.trues };
      else if (sink instanceof GaugeSink) out[key] = { type: 'gauge', value: sink.value, min: sink.min, max: sink.max };
    }
  }
  return out;
}
type Metric = { sink: TrendSink | CounterSink | RateSink | GaugeSink };

export function endpointBreakdown(result: RunResult): Record<string, TrendSummary> {
  const names = result.registry.byName.get('http_req_duration') ?? new Map<string, TrendSink>();
  return Object.fromEntries([...names].map(([name, sink]) => [name, summarizeTrend(sink, result.durationMs)]));
}

/** k6-like text summary. */
export function textSummary(result: RunResult): string {
  const lines: string[] = [];
  const trendStats = (result.options.summaryTrendStats as string[] | undefined) ?? DEFAULT_TREND_STATS;
  const seconds = result.durationMs / 1000;
  for (const [name, c] of result.checks) {
    const mark = c.fails === 0 ? '✓' : '✗';
    const extra =
      c.fails === 0
        ? ''
        : `\n       ↳  ${((c.passes / (c.passes + c.fails)) * 100).toFixed(0)}% — ✓ ${c.passes} / ✗ ${c.fails}`;
    lines.push(`     ${mark} ${name}${extra}`);
  }
  if (result.checks.size > 0) lines.push('');
  const pad = (s: string) => `${s} `.padEnd(32, '.');
  const sorted = [...result.registry.metrics.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const metric of sorted) {
    const rows: [string, typeof metric.sink][] = [
      [metric.name, metric.sink],
      ...metric.submetrics.map(
        (s) => [`  { ${s.key.slice(s.key.indexOf('{') + 1, -1)} }`, s.sink] as [string, typeof metric.sink],
      ),
    ];
    for (const [label, sink] of rows) {
      let text: string | null = null;
      if (sink instanceof TrendSink) {
        if (sink.count === 0) continue;
        const fmt = (v: number) => (metric.isTime ? formatMs(v) : v.toFixed(2));
        text = trendStats.map((s) => `${s}=${fmt(trendStat(sink, s))}`).join(' ');
      } else if (sink instanceof CounterSink) {
        if (sink.count === 0) continue;
        text = `${sink.sum} ${(sink.sum / seconds).toFixed(2)}/s`;
      } else if (sink instanceof RateSink) {
        if (sink.total === 0) continue;
        text = `${(sink.rate * 100).toFixed(2)}% ✓ ${sink.trues} ✗ ${sink.total - sink.trues}`;
      } else if (sink instanceof GaugeSink) {
        if (sink.count === 0) continue;
        text = `${sink.value} min=${sink.min} max=${sink.max}`;
      }
      if (text !== null) lines.push(`     ${pad(label)}: ${text}`);
    }
  }
  const byName = endpointBreakdown(result);
  if (Object.keys(byName).length > 0) {
    lines.push('', '     per endpoint (http_req_duration by name tag):');
    for (const [name, t] of Object.entries(byName)) {
      lines.push(
        `       ${name.padEnd(26)} n=${t.count} ${t.rps.toFixed(1)}/s avg=${formatMs(t.avg)} med=${formatMs(t.med)}` +
          ` p(95)=${formatMs(t.p95)} p(99)=${formatMs(t.p99)} max=${formatMs(t.max)}`,
      );
    }
  }
  if (result.thresholds.length > 0) {
    lines.push('', '     thresholds:');
    for (const t of result.thresholds) {
      const actual = t.actual === null ? 'no data' : t.actual.toFixed(4);
      lines.push(`       ${t.ok ? '✓' : '✗'} ${t.metric}: ${t.expression} (actual ${actual})`);
    }
  }
  if (result.errors.size > 0) {
    lines.push('', '     iteration errors:');
    for (const [msg, n] of result.errors) lines.push(`       ${n} × ${msg}`);
  }
  if (result.aborted) lines.push('', `     ABORTED: ${result.aborted}`);
  return lines.join('\n');
}

function loadBaselines(dir: string): { seed: Baselines; nestjs: Baselines } {
  const read = (f: string) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Baselines;
  return { seed: read('seed.json'), nestjs: read('nestjs.json') };
}

const num = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? '-' : v.toFixed(digits));

export function markdownReport(
  scenario: string,
  result: RunResult,
  meta: Record<string, string>,
  baselineDir: string,
): string {
  const { seed, nestjs } = loadBaselines(baselineDir);
  const metrics = metricsToJson(result);
  const lines: string[] = [];
  const reqs = metrics.http_reqs as { count?: number; rate?: number } | undefined;
  const failed = metrics.http_req_failed as { rate?: number } | undefined;
  const d = metrics.http_req_duration as unknown as TrendSummary | undefined;
  lines.push(`# Load report: ${scenario}`, '');
  lines.push(`- started: ${result.startedAt.toISOString()}, ran ${(result.durationMs / 1000).toFixed(1)} s`);
  for (const [k, v] of Object.entries(meta)) lines.push(`- ${k}: ${v}`);
  lines.push(
    `- executors: ${result.scenarios.map((s) => `${s.name} (${s.executor})`).join(', ')}` +
      ' — arrival-rate executors are the open model; VU executors (stages) the closed model',
  );
  lines.push(
    `- http_reqs: ${reqs?.count ?? 0} (${num(reqs?.rate ?? 0, 1)}/s), failed: ${num((failed?.rate ?? 0) * 100)}%` +
      `, dropped iterations: ${(metrics.dropped_iterations as { count?: number } | undefined)?.count ?? 0}`,
  );
  if (d) {
    lines.push(
      `- http_req_duration (all requests): avg ${num(d.avg)} / med ${num(d.med)} / p90 ${num(d.p90)} / p95 ${num(d.p95)}` +
        ` / p99 ${num(d.p99)} / max ${num(d.max)} ms`,
    );
  }
  if (result.aborted) lines.push(`- **ABORTED**: ${result.aborted}`);
  const byName = endpointBreakdown(result);
  lines.push(
    '',
    '## Per endpoint (ms)',
    '',
    '| endpoint | requests | req/s | avg | min | med | p90 | p95 | p99 | max |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const [name, t] of Object.entries(byName)) {
    lines.push(
      `| ${name} | ${t.count} | ${num(t.rps, 1)} | ${num(t.avg)} | ${num(t.min)} | ${num(t.med)} | ${num(t.p90)} | ${num(t.p95)} | ${num(t.p99)} | ${num(t.max)} |`,
    );
  }
  for (const cmp of COMPARISONS[scenario] ?? []) {
    const ours = byName[cmp.endpoint];
    lines.push('', `## ${cmp.endpoint}: ours beside the seed and NestJS`, '');
    lines.push('| who | req/s | p50 | p90 | p95 | min | max |', '|---|---|---|---|---|---|---|');
    if (ours) {
      lines.push(
        `| **ours** (${scenario}) | ${num(ours.rps, 1)} | ${num(ours.med)} | ${num(ours.p90)} | ${num(ours.p95)} | ${num(ours.min)} | ${num(ours.max)} |`,
      );
    } else {
      lines.push(`| **ours** (${scenario}) | no ${cmp.endpoint} requests were made | | | | | |`);
    }
    for (const key of cmp.seed) {
      const r = seed.rows[key];
      if (r)
        lines.push(
          `| seed: ${r.label} | ${r.rps ?? '-'} | ${num(r.p50)} | ${num(r.p90)} | ${num(r.p95)} | ${num(r.min)} | ${num(r.max)} |`,
        );
    }
    for (const key of cmp.nestjs) {
      const r = nestjs.rows[key];
      if (r) lines.push(`| NestJS: ${r.label} | ${r.rps ?? '-'} | - | - | ${num(r.p95)} | - | - |`);
    }
    if (ours && cmp.seed.length > 0) {
      const s = seed.rows[cmp.seed[0]!];
      if (s?.p95) {
        const ratio = s.p95 / Math.max(ours.p95, 0.001);
        lines.push('', `seed p95 / our p95 (${s.label}): ${ratio.toFixed(1)}× (above 1: we are faster)`);
      }
    }
  }
  lines.push(
    '',
    `Seed: ${seed.source}. NestJS: ${nestjs.source}. Compare like with like: the seed's figures come from its own`,
    'closed-model profile (ramping VUs); NestJS figures are saturation throughput at 100 connections; an open-model',
    'run shows latency at a fixed arrival rate. Absolute numbers drift between runs on this shared machine.',
  );
  if (result.checks.size > 0) {
    lines.push('', '## Checks', '', '| check | passes | fails |', '|---|---|---|');
    for (const [name, c] of result.checks) lines.push(`| ${name} | ${c.passes} | ${c.fails} |`);
  }
  const custom = Object.entries(metrics).filter(([k]) => !BUILTIN.has(k.replace(/\{.*$/, '')));
  if (custom.length > 0) {
    lines.push('', '## Custom metrics', '', '| metric | values |', '|---|---|');
    for (const [k, v] of custom) {
      const vals = Object.entries(v)
        .filter(([f]) => f !== 'type')
        .map(([f, x]) => `${f}=${typeof x === 'number' ? num(x) : x}`)
        .join(' ');
      lines.push(`| ${k} | ${vals} |`);
    }
  }
  if (result.thresholds.length > 0) {
    lines.push('', '## Thresholds', '', '| metric | threshold | actual | ok |', '|---|---|---|---|');
    for (const t of result.thresholds) {
      lines.push(
        `| ${t.metric} | \`${t.expression}\` | ${t.actual === null ? 'no data' : num(t.actual, 4)} | ${t.ok ? 'yes' : '**no**'} |`,
      );
    }
  }
  if (result.errors.size > 0) {
    lines.push('', '## Iteration errors', '');
    for (const [msg, n] of result.errors) lines.push(`- ${n} × ${msg.replace(/\n/g, ' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

const BUILTIN = new Set([
  'http_reqs',
  'http_req_duration',
  'http_req_waiting',
  'http_req_failed',
  'data_received',
  'data_sent',
  'iterations',
  'iteration_duration',
  'dropped_iterations',
  'checks',
  'group_duration',
  'vus',
  'vus_max',
]);

export function jsonReport(scenario: string, result: RunResult, meta: Record<string, string>) {
  return {
    scenario,
    startedAt: result.startedAt.toISOString(),
    durationSeconds: result.durationMs / 1000,
    meta,
    executors: result.scenarios,
    metrics: metricsToJson(result),
    endpoints: endpointBreakdown(result),
    checks: Object.fromEntries(result.checks),
    thresholds: result.thresholds,
    errors: Object.fromEntries(result.errors),
    interruptedIterations: result.interrupted,
    aborted: result.aborted,
  };
}

export function writeReports(
  scenario: string,
  result: RunResult,
  meta: Record<string, string>,
  outDir: string,
  baselineDir: string,
): { json: string; md: string } {
  mkdirSync(outDir, { recursive: true });
  const stamp = result.startedAt.toISOString().replace(/[:.]/g, '-');
  const base = path.join(outDir, `${scenario}-${stamp}`);
  const json = `${base}.json`;
  const md = `${base}.md`;
  writeFileSync(json, `${JSON.stringify(jsonReport(scenario, result, meta), null, 2)}\n`);
  writeFileSync(md, markdownReport(scenario, result, meta, baselineDir));
  return { json, md };
}
