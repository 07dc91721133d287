/**
 * Metric sinks with k6's semantics: Counter (sum + rate), Gauge (last, min, max), Rate (share of non-zero
 * samples), Trend (every sample kept, so percentiles are exact; a run is bounded in requests, so memory is too).
 */

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export type Tags = Record<string, string>;

/**
 * k6's percentile: linear interpolation between the two nearest ranks of the sorted samples,
 * at index p/100 * (n - 1). Returns 0 for no samples (k6 prints 0 too).
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (n === 1) return sorted[0]!;
  const i = (p / 100) * (n - 1);
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (i - lo);
}

export class TrendSink {
  private values = new Float64Array(1024);
  private n = 0;
  private sortedCache: Float64Array | null = null;
  private total = 0;

  add(v: number): void {
    if (this.n === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.n++] = v;
    this.total += v;
    this.sortedCache = null;
  }
  get count(): number {
    return this.n;
  }
  private sorted(): Float64Array {
    if (!this.sortedCache) this.sortedCache = this.values.slice(0, this.n).sort();
    return this.sortedCache;
  }
  get avg(): number {
    return this.n === 0 ? 0 : this.total / this.n;
  }
  get min(): number {
    return this.n === 0 ? 0 : this.sorted()[0]!;
  }
  get max(): number {
    return this.n === 0 ? 0 : this.sorted()[this.n - 1]!;
  }
  get med(): number {
    return this.p(50);
  }
  p(pct: number): number {
    return percentile(this.sorted(), pct);
  }
}

export class CounterSink {
  sum = 0;
  count = 0;
  add(v: number): void {
    this.sum += v;
    this.count++;
  }
}

export class RateSink {
  trues = 0;
  total = 0;
  add(v: number | boolean): void {
    this.total++;
    if (v) this.trues++;
  }
  get rate(): number {
    return this.total === 0 ? 0 : this.trues / this.total;
  }
}

export class GaugeSink {
  value = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  count = 0;
  add(v: number): void {
    this.value = v;
    this.count++;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }
}

export type Sink = TrendSink | CounterSink | RateSink | GaugeSink;

function newSink(type: MetricType): Sink {
  switch (type) {
    case 'trend':
      return new TrendSink();
    case 'counter':
      return new CounterSink();
    case 'rate':
      return new RateSink();
    case 'gauge':
      return new GaugeSink();
  }
}

export interface Metric {
  name: string;
  type: MetricType;
  /** Trend of times (ms), as k6's `new Trend(name, true)`: printed with units. */
  isTime: boolean;
  sink: Sink;
  /** Submetrics `name{tag:value,...}`: a sample goes to every submetric whose tags it has. */
  submetrics: { key: string; tags: Tags; sink: Sink }[];
}

/** Parse `http_req_duration{name:x,status:200}` into base name and tag filter. */
export function parseMetricKey(key: string): { name: string; tags: Tags } {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\{(.*)\})?$/.exec(key.trim());
  if (!m) throw new Error(`invalid metric name '${key}'`);
  const tags: Tags = {};
  if (m[2] !== undefined) {
    for (const part of m[2].split(',')) {
      const idx = part.indexOf(':');
      if (idx < 0) throw new Error(`invalid tag filter '${part}' in '${key}'`);
      tags[part.slice(0, idx).trim()] = part
        .slice(idx + 1)
        .trim()
        .replace(/^["']|["']$/g, '');
    }
  }
  return { name: m[1]!, tags };
}

export class MetricsRegistry {
  readonly metrics = new Map<string, Metric>();
  /** Tag values seen for `name` per metric, to break latency down per endpoint in reports (bounded). */
  readonly byName = new Map<string, Map<string, TrendSink>>();
  private static readonly MAX_NAMES = 50;

  register(name: string, type: MetricType, isTime = false): Metric {
    const existing = this.metrics.get(name);
    if (existing) {
      if (existing.type !== type) throw new Error(`metric '${name}' already registered as ${existing.type}`);
      return existing;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) throw new Error(`invalid metric name '${name}'`);
    const metric: Metric = { name, type, isTime, sink: newSink(type), submetrics: [] };
    this.metrics.set(name, metric);
    return metric;
  }

  /** Declare a submetric (from a threshold key); returns its sink. */
  submetric(key: string): Sink | undefined {
    const { name, tags } = parseMetricKey(key);
    const metric = this.metrics.get(name);
    if (!metric) return undefined;
    if (Object.keys(tags).length === 0) return metric.sink;
    const found = metric.submetrics.find((s) => s.key === key);
    if (found) return found.sink;
    const sub = { key, tags, sink: newSink(metric.type) };
    metric.submetrics.push(sub);
    return sub.sink;
  }

  /** @param breakdown an explicit `name` tag: the sample also goes to the per-endpoint breakdown of the report. */
  add(metric: Metric, value: number | boolean, tags?: Tags, breakdown?: string): void {
    const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    (metric.sink as { add(v: number): void }).add(v);
    if (!tags) return;
    for (const sub of metric.submetrics) {
      let match = true;
      for (const k in sub.tags) {
        if (tags[k] !== sub.tags[k]) {
          match = false;
          break;
        }
      }
      if (match) (sub.sink as { add(v: number): void }).add(v);
    }
    if (breakdown !== undefined) {
      let names = this.byName.get(metric.name);
      if (!names) {
        names = new Map();
        this.byName.set(metric.name, names);
      }
      let sink = names.get(breakdown);
      if (!sink && names.size < MetricsRegistry.MAX_NAMES) {
        sink = new TrendSink();
        names.set(breakdown, sink);
      }
      sink?.add(v);
    }
  }
}
