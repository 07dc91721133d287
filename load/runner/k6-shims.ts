import { assertLoopbackUrl, type HttpTransport, RefusedTargetError } from './http-client';
import type { Metric, MetricsRegistry, Tags } from './metrics';

/**
 * The k6 built-in modules (`k6`, `k6/http`, `k6/metrics`, `k6/execution`) as seen by one VU. Blocking functions
 * of k6 are async here; the script transform awaits every call to them.
 */

/** Thrown into a VU's code when the run stops it (graceful stop elapsed, or the test aborted). */
export class VuInterrupted extends Error {
  override name = 'VuInterrupted';
}
/** `exec.test.abort()`, or a fatal runner condition: ends the whole run. */
export class TestAborted extends Error {
  override name = 'TestAborted';
}

export interface VuState {
  /** `__VU`: 1-based; 0 for setup and teardown, as in k6. */
  id: number;
  /** `__ITER`: this VU's iteration number within its scenario. */
  iter: number;
  scenario: string;
  executor: string;
  /** Unique iteration number across the scenario (exec.scenario.iterationInTest). */
  scenarioIteration: number;
  scenarioStartMs: number;
  groupPath: string;
  signal: AbortSignal;
}

export interface RunShared {
  registry: MetricsRegistry;
  transport: HttpTransport;
  builtin: BuiltinMetrics;
  checks: Map<string, { passes: number; fails: number }>;
  options: Record<string, unknown>;
  runStartMs: number;
  discardResponseBodies: boolean;
  /** Counters the runner keeps for exec.instance. */
  instance: { vusActive: number; vusInitialized: number; iterationsCompleted: number; iterationsInterrupted: number };
  /** Bounded safety cap on requests in one run. */
  maxRequests: number;
  requestCount: number;
  abort(reason: string): void;
}

export interface BuiltinMetrics {
  httpReqs: Metric;
  httpReqDuration: Metric;
  httpReqWaiting: Metric;
  httpReqFailed: Metric;
  dataReceived: Metric;
  dataSent: Metric;
  iterations: Metric;
  iterationDuration: Metric;
  droppedIterations: Metric;
  checks: Metric;
  groupDuration: Metric;
  vus: Metric;
  vusMax: Metric;
}

export function registerBuiltinMetrics(registry: MetricsRegistry): BuiltinMetrics {
  return {
    httpReqs: registry.register('http_reqs', 'counter'),
    httpReqDuration: registry.register('http_req_duration', 'trend', true),
    httpReqWaiting: registry.register('http_req_waiting', 'trend', true),
    httpReqFailed: registry.register('http_req_failed', 'rate'),
    dataReceived: registry.register('data_received', 'counter'),
    dataSent: registry.register('data_sent', 'counter'),
    iterations: registry.register('iterations', 'counter'),
    iterationDuration: registry.register('iteration_duration', 'trend', true),
    droppedIterations: registry.register('dropped_iterations', 'counter'),
    checks: registry.register('checks', 'rate'),
    groupDuration: registry.register('group_duration', 'trend', true),
    vus: registry.register('vus', 'gauge'),
    vusMax: registry.register('vus_max', 'gauge'),
  };
}

const EXPECTED = Symbol('expectedStatuses');
type StatusRange = { min: number; max: number };
interface ResponseCallback {
  [EXPECTED]: StatusRange[];
}

function expectedStatuses(...args: (number | StatusRange)[]): ResponseCallback {
  const ranges = args.map((a) => {
    if (typeof a === 'number') return { min: a, max: a };
    if (a && typeof a.min === 'number' && typeof a.max === 'number') return { min: a.min, max: a.max };
    throw new Error('http.expectedStatuses: arguments are status codes or {min, max}');
  });
  return { [EXPECTED]: ranges };
}

function isExpected(cb: ResponseCallback | null, status: number): boolean {
  if (cb === null) return true;
  return cb[EXPECTED].some((r) => status >= r.min && status <= r.max);
}

/** Dotted/indexed selector as in `res.json('result.data.items.0.id')` (the common subset of k6's gjson). */
export function selectJson(value: unknown, selector: string): unknown {
  let cur: unknown = value;
  for (const part of selector.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    if (part === '#' && Array.isArray(cur)) return cur.length;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export class K6Response {
  status: number;
  status_text: string;
  body: string | null;
  headers: Record<string, string>;
  error: string;
  error_code: number;
  url: string;
  timings: {
    duration: number;
    waiting: number;
    receiving: number;
    sending: number;
    blocked: number;
    connecting: number;
  };
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  private parsed: unknown;
  private parsedOk = false;

  constructor(init: Omit<K6Response, 'json' | 'html' | 'parsed' | 'parsedOk'>) {
    this.status = init.status;
    this.status_text = init.status_text;
    this.body = init.body;
    this.headers = init.headers;
    this.error = init.error;
    this.error_code = init.error_code;
    this.url = init.url;
    this.timings = init.timings;
    this.request = init.request;
  }

  json(selector?: string): unknown {
    if (!this.parsedOk) {
      if (this.body === null) throw new Error('cannot parse a null body (discardResponseBodies or responseType none)');
      this.parsed = JSON.parse(this.body);
      this.parsedOk = true;
    }
    return selector === undefined ? this.parsed : selectJson(this.parsed, selector);
  }

  html(): never {
    throw new Error('Response.html() is not supported by this runner');
  }
}

const PARAM_KEYS = new Set([
  'headers',
  'tags',
  'timeout',
  'responseType',
  'responseCallback',
  'redirects',
  'compression',
]);

function parseTimeout(t: unknown): number {
  if (t === undefined) return 60_000;
  if (typeof t === 'number') return t;
  if (typeof t === 'string') return parseDurationMs(t);
  throw new Error(`invalid timeout ${String(t)}`);
}

/** k6 duration strings: `1h2m3s`, `500ms`, `1.5s`, or a number of ms... but a bare number string means seconds. */
export function parseDurationMs(text: string): number {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|us|µs|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const n = Number(m[1]);
    const unit = m[2];
    total +=
      unit === 'h' ? n * 3_600_000 : unit === 'm' ? n * 60_000 : unit === 's' ? n * 1000 : unit === 'ms' ? n : n / 1000;
    matched = re.lastIndex;
  }
  if (matched !== s.length || s.length === 0) throw new Error(`invalid duration '${text}'`);
  return total;
}

type Body = string | null | undefined | Record<string, unknown> | ArrayBuffer;

function encodeBody(body: Body, headers: Record<string, string>): string | Buffer | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  // k6 form-encodes plain objects.
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  return new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString();
}

export function createModules(shared: RunShared, vu: VuState): Record<string, Record<string, unknown>> {
  let responseCallback: ResponseCallback | null = expectedStatuses({ min: 200, max: 399 });
  const { registry, builtin } = shared;

  const interruptIfStopped = () => {
    if (vu.signal.aborted) throw new VuInterrupted('VU stopped by the runner');
  };

  async function request(method: string, url: unknown, body: Body, params?: Record<string, unknown>) {
    interruptIfStopped();
    if (typeof url !== 'string') {
      // k6's http.url`...` tagged template yields an object; not supported.
      throw new Error(`http.${method.toLowerCase()}: url must be a string`);
    }
    try {
      assertLoopbackUrl(url);
    } catch (e) {
      if (e instanceof RefusedTargetError) shared.abort(e.message);
      throw e;
    }
    if (++shared.requestCount > shared.maxRequests) {
      shared.abort(`request cap of ${shared.maxRequests} reached (LOAD_MAX_REQUESTS)`);
      throw new VuInterrupted('request cap reached');
    }
    const p = params ?? {};
    for (const key of Object.keys(p)) {
      if (!PARAM_KEYS.has(key)) throw new Error(`http params.${key} is not supported by this runner`);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((p.headers as Record<string, unknown>) ?? {})) headers[k] = String(v);
    const userTags = (p.tags as Tags | undefined) ?? {};
    const discardBody = p.responseType === 'none' || (p.responseType === undefined && shared.discardResponseBodies);
    const encoded = encodeBody(body, headers);
    const raw = await shared.transport.request({
      method,
      url,
      headers,
      body: encoded,
      timeoutMs: parseTimeout(p.timeout),
      discardBody,
      signal: vu.signal,
    });
    interruptIfStopped();
    const cb = p.responseCallback !== undefined ? (p.responseCallback as ResponseCallback | null) : responseCallback;
    const expected = raw.status !== 0 && isExpected(cb, raw.status);
    const tags: Tags = {
      method,
      status: String(raw.status),
      name: userTags.name ?? url,
      scenario: vu.scenario,
      group: vu.groupPath,
      expected_response: String(expected),
      ...userTags,
    };
    const explicitName = userTags.name;
    registry.add(builtin.httpReqs, 1, tags);
    registry.add(builtin.httpReqDuration, raw.duration, tags, explicitName);
    registry.add(builtin.httpReqWaiting, raw.waiting, tags);
    registry.add(builtin.httpReqFailed, !expected, tags);
    registry.add(builtin.dataReceived, raw.bytesReceived);
    registry.add(builtin.dataSent, raw.bytesSent);
    return new K6Response({
      status: raw.status,
      status_text: raw.status ? String(raw.status) : '',
      body: raw.body,
      headers: raw.headers,
      error: raw.error,
      error_code: raw.errorCode,
      url,
      timings: {
        duration: raw.duration,
        waiting: raw.waiting,
        receiving: raw.receiving,
        sending: Math.max(0, raw.duration - raw.waiting - raw.receiving),
        blocked: raw.blocked,
        connecting: raw.connecting,
      },
      request: { method, url, headers, body: typeof encoded === 'string' ? encoded : '' },
    });
  }

  type BatchItem = string | unknown[] | { method?: string; url: string; body?: Body; params?: Record<string, unknown> };
  const batchOne = (item: BatchItem) => {
    if (typeof item === 'string') return request('GET', item, undefined, undefined);
    if (Array.isArray(item)) {
      const [method, url, body, params] = item as [string, string, Body, Record<string, unknown>];
      return request(method.toUpperCase(), url, body, params);
    }
    return request((item.method ?? 'GET').toUpperCase(), item.url, item.body, item.params);
  };

  const httpModule = {
    get: (url: string, params?: Record<string, unknown>) => request('GET', url, undefined, params),
    head: (url: string, params?: Record<string, unknown>) => request('HEAD', url, undefined, params),
    post: (url: string, body?: Body, params?: Record<string, unknown>) => request('POST', url, body, params),
    put: (url: string, body?: Body, params?: Record<string, unknown>) => request('PUT', url, body, params),
    patch: (url: string, body?: Body, params?: Record<string, unknown>) => request('PATCH', url, body, params),
    del: (url: string, body?: Body, params?: Record<string, unknown>) => request('DELETE', url, body, params),
    options: (url: string, body?: Body, params?: Record<string, unknown>) => request('OPTIONS', url, body, params),
    request: (method: string, url: string, body?: Body, params?: Record<string, unknown>) =>
      request(method.toUpperCase(), url, body, params),
    asyncRequest: (method: string, url: string, body?: Body, params?: Record<string, unknown>) =>
      request(method.toUpperCase(), url, body, params),
    batch: async (reqs: BatchItem[] | Record<string, BatchItem>) => {
      if (Array.isArray(reqs)) return Promise.all(reqs.map(batchOne));
      const keys = Object.keys(reqs);
      const results = await Promise.all(keys.map((k) => batchOne(reqs[k]!)));
      return Object.fromEntries(keys.map((k, i) => [k, results[i]]));
    },
    expectedStatuses,
    setResponseCallback: (cb: ResponseCallback | null) => {
      if (cb !== null && !(cb && EXPECTED in cb))
        throw new Error('setResponseCallback takes http.expectedStatuses(...)');
      responseCallback = cb;
    },
  };

  const sleep = async (seconds: number) => {
    interruptIfStopped();
    const ms = Math.max(0, Number(seconds) * 1000);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        vu.signal.removeEventListener('abort', done);
        resolve();
      }
      vu.signal.addEventListener('abort', done, { once: true });
    });
    interruptIfStopped();
  };

  const check = (value: unknown, sets: Record<string, (v: unknown) => unknown>, tags?: Tags): boolean => {
    let all = true;
    for (const [name, fn] of Object.entries(sets)) {
      const ok = Boolean(typeof fn === 'function' ? fn(value) : fn);
      let entry = shared.checks.get(name);
      if (!entry) {
        entry = { passes: 0, fails: 0 };
        shared.checks.set(name, entry);
      }
      if (ok) entry.passes++;
      else entry.fails++;
      registry.add(builtin.checks, ok, { check: name, scenario: vu.scenario, group: vu.groupPath, ...tags });
      all &&= ok;
    }
    return all;
  };

  const group = async (name: string, fn: () => unknown) => {
    const previous = vu.groupPath;
    vu.groupPath = `${previous}::${name}`;
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      registry.add(builtin.groupDuration, performance.now() - t0, { group: vu.groupPath, scenario: vu.scenario });
      vu.groupPath = previous;
    }
  };

  const fail = (message?: string): never => {
    throw new Error(message ?? 'fail() called');
  };

  const exec = {
    vu: {
      get idInTest() {
        return vu.id;
      },
      get idInInstance() {
        return vu.id;
      },
      get iterationInScenario() {
        return vu.iter;
      },
      get iterationInInstance() {
        return vu.iter;
      },
    },
    scenario: {
      get name() {
        return vu.scenario;
      },
      get executor() {
        return vu.executor;
      },
      get iterationInTest() {
        return vu.scenarioIteration;
      },
      get iterationInInstance() {
        return vu.scenarioIteration;
      },
      get startTime() {
        return vu.scenarioStartMs;
      },
    },
    instance: {
      get vusActive() {
        return shared.instance.vusActive;
      },
      get vusInitialized() {
        return shared.instance.vusInitialized;
      },
      get iterationsCompleted() {
        return shared.instance.iterationsCompleted;
      },
      get iterationsInterrupted() {
        return shared.instance.iterationsInterrupted;
      },
      get currentTestRunDuration() {
        return Date.now() - shared.runStartMs;
      },
    },
    test: {
      abort: (reason?: string): never => {
        shared.abort(reason ?? 'exec.test.abort() called');
        throw new TestAborted(reason ?? 'test aborted');
      },
      get options() {
        return shared.options;
      },
    },
  };

  class Trend {
    private readonly metric: Metric;
    constructor(name: string, isTime = false) {
      this.metric = registry.register(name, 'trend', isTime);
    }
    get name() {
      return this.metric.name;
    }
    add(value: number, tags?: Tags) {
      registry.add(this.metric, Number(value), { scenario: vu.scenario, group: vu.groupPath, ...tags });
    }
  }
  const simple = (type: 'counter' | 'rate' | 'gauge') =>
    class {
      private readonly metric: Metric;
      constructor(name: string) {
        this.metric = registry.register(name, type);
      }
      get name() {
        return this.metric.name;
      }
      add(value: number | boolean, tags?: Tags) {
        registry.add(this.metric, type === 'rate' ? Boolean(value) : Number(value), {
          scenario: vu.scenario,
          group: vu.groupPath,
          ...tags,
        });
      }
    };

  const k6 = { check, sleep, group, fail };
  const metrics = { Trend, Counter: simple('counter'), Rate: simple('rate'), Gauge: simple('gauge') };
  return {
    k6: { ...k6, default: k6 },
    'k6/http': { ...httpModule, default: httpModule },
    'k6/metrics': { ...metrics, default: metrics },
    'k6/execution': { ...exec, default: exec },
  };
}
