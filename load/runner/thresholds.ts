import { CounterSink, GaugeSink, type MetricsRegistry, RateSink, type Sink, TrendSink } from './metrics';

/**
 * k6 threshold expressions: `<aggregation> <op> <number>`, e.g. `p(95)<500`, `rate<0.01`, `count>100`,
 * `avg<200`, `med<=50`, `max<1000`, `value>0`. Evaluated once, at the end of the run
 * (`abortOnFail` is accepted but only reported: this runner never aborts early on a threshold).
 */

export interface ThresholdResult {
  metric: string;
  expression: string;
  actual: number | null;
  ok: boolean;
}

const EXPR =
  /^\s*(avg|min|max|med|count|rate|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|<|>|===|==|!=)\s*(-?\d+(?:\.\d+)?)\s*$/;

export interface ParsedThreshold {
  aggregation: string;
  pct?: number;
  op: string;
  bound: number;
}

export function parseThreshold(expression: string): ParsedThreshold {
  const m = EXPR.exec(expression);
  if (!m) throw new Error(`unsupported threshold expression '${expression}'`);
  const pct = m[2] !== undefined ? Number(m[2]) : undefined;
  return { aggregation: pct !== undefined ? 'p' : m[1]!, pct, op: m[3]!, bound: Number(m[4]) };
}

export function aggregate(sink: Sink, t: ParsedThreshold): number | null {
  const a = t.aggregation;
  if (sink instanceof TrendSink) {
    if (a === 'p') return sink.p(t.pct!);
    if (a === 'avg') return sink.avg;
    if (a === 'min') return sink.min;
    if (a === 'max') return sink.max;
    if (a === 'med') return sink.med;
    if (a === 'count') return sink.count;
  } else if (sink instanceof RateSink) {
    if (a === 'rate') return sink.rate;
  } else if (sink instanceof CounterSink) {
    if (a === 'count') return sink.sum;
  } else if (sink instanceof GaugeSink) {
    if (a === 'value') return sink.count === 0 ? 0 : sink.value;
    if (a === 'min') return sink.count === 0 ? 0 : sink.min;
    if (a === 'max') return sink.count === 0 ? 0 : sink.max;
  }
  return null;
}

export function compare(actual: number, op: string, bound: number): boolean {
  switch (op) {
    case '<':
      return actual < bound;
    case '<=':
      return actual <= bound;
    case '>':
      return actual > bound;
    case '>=':
      return actual >= bound;
    case '==':
    case '===':
      return actual === bound;
    case '!=':
      return actual !== bound;
    default:
      return false;
  }
}

export type ThresholdOptions = Record<string, (string | { threshold: string; abortOnFail?: boolean })[]>;

/** Validate threshold options up front (so a typo fails before the run, as in k6) and declare submetrics. */
export function prepareThresholds(options: unknown, registry: MetricsRegistry): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) throw new Error('options.thresholds must be an object');
  for (const [key, list] of Object.entries(options as Record<string, unknown>)) {
    if (!Array.isArray(list)) throw new Error(`thresholds['${key}'] must be an array`);
    for (const item of list)
      parseThreshold(typeof item === 'string' ? item : (item as { threshold: string }).threshold);
    registry.submetric(key);
  }
}

function fail(expression: string, key: string): never {
  throw new Error(`threshold '${expression}' does not apply to metric '${key}'`);
}

export function evaluateThresholds(
  options: ThresholdOptions | undefined,
  registry: MetricsRegistry,
): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [key, list] of Object.entries(options ?? {})) {
    const sink = registry.submetric(key);
    for (const item of list) {
      const expression = typeof item === 'string' ? item : item.threshold;
      const parsed = parseThreshold(expression);
      if (!sink) {
        // A metric no sample ever reached: k6 fails such thresholds with "no data" only for custom metrics;
        // treating it as failed is the loud choice.
        results.push({ metric: key, expression, actual: null, ok: false });
        continue;
      }
      // A trend or rate that never got a sample (e.g. no hold was ever attempted) has no value to judge: fail
      // loudly rather than pass on a p95 of 0. A counter at 0 is data (no dropped iterations).
      if ((sink instanceof TrendSink && sink.count === 0) || (sink instanceof RateSink && sink.total === 0)) {
        aggregate(sink, parsed) ?? fail(expression, key);
        results.push({ metric: key, expression, actual: null, ok: false });
        continue;
      }
      const actual = aggregate(sink, parsed) ?? fail(expression, key);
      results.push({ metric: key, expression, actual, ok: compare(actual, parsed.op, parsed.bound) });
    }
  }
  return results;
}
