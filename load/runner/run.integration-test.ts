import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounterSink, GaugeSink, RateSink, TrendSink } from './metrics';
import { type RunResult, runScript } from './run';

// The executors against a real node:http server on 127.0.0.1. Assertions leave room for a slow shared machine:
// counts come from the schedule (deterministic), not from how fast the machine is.

let server: http.Server;
let base: string;
let hits = 0;
const vuIds = new Set<string>();
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const vu = req.headers['x-vu'];
    if (typeof vu === 'string') vuIds.add(vu);
    const url = new URL(req.url ?? '/', 'http://x');
    const delay = Number(url.searchParams.get('delay') ?? 0);
    setTimeout(() => {
      inFlight--;
      if (url.pathname === '/fail') {
        res.statusCode = 500;
        res.end('{}');
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ result: { data: { path: url.pathname } } }));
    }, delay);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const dir = mkdtempSync(path.join(tmpdir(), 'k6-run-'));
let n = 0;
function script(source: string): string {
  const file = path.join(dir, `s${n++}.js`);
  writeFileSync(file, source);
  return file;
}
const reset = () => {
  hits = 0;
  vuIds.clear();
  inFlight = 0;
  maxInFlight = 0;
};
const counter = (r: RunResult, name: string) => (r.registry.metrics.get(name)!.sink as CounterSink).sum;
const quiet = () => undefined;

describe('runScript', () => {
  it('constant-arrival-rate: 200/s for 2 s starts 400 iterations, whatever the latency', async () => {
    reset();
    // maxVUs = every iteration at once, so none can be dropped however slow this machine is.
    const file = script(`
import http from 'k6/http';
export const options = {
  scenarios: { rate: { executor: 'constant-arrival-rate', rate: 200, timeUnit: '1s', duration: '2s',
    preAllocatedVUs: 20, maxVUs: 400 } },
};
export default function () { http.get(__ENV.BASE + '/ok?delay=20', { tags: { name: 'ok' } }); }
`);
    const result = await runScript({ script: file, env: { BASE: base }, log: quiet });
    const failed = result.registry.metrics.get('http_req_failed')!.sink as RateSink;
    expect({
      dropped: counter(result, 'dropped_iterations'),
      requests: counter(result, 'http_reqs'),
      hits,
      failed: failed.trues,
      interrupted: result.interrupted,
      errors: [...result.errors.keys()],
    }).toEqual({ dropped: 0, requests: 400, hits: 400, failed: 0, interrupted: 0, errors: [] });
    expect(result.registry.byName.get('http_req_duration')!.get('ok')!.count).toBe(400);
  });

  it('constant-arrival-rate: iterations without a free VU are dropped, not delayed (open model)', async () => {
    reset();
    const file = script(`
import http from 'k6/http';
export const options = {
  scenarios: { rate: { executor: 'constant-arrival-rate', rate: 200, timeUnit: '1s', duration: '2s',
    preAllocatedVUs: 2, maxVUs: 2 } },
};
export default function () { http.get(__ENV.BASE + '/ok?delay=200'); }
`);
    const result = await runScript({ script: file, env: { BASE: base }, log: quiet });
    const requests = counter(result, 'http_reqs');
    const dropped = counter(result, 'dropped_iterations');
    expect(requests + dropped).toBe(400);
    // 2 VUs, each busy >= 200 ms per iteration: at most ~2 x (2 s / 200 ms + 1) requests.
    expect(requests).toBeLessThanOrEqual(24);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect((result.registry.metrics.get('vus_max')!.sink as GaugeSink).value).toBe(2);
  });

  it('ramping-arrival-rate: the rate ramps linearly (0 -> 200/s over 1 s, then 1 s at 200/s = 300 iterations)', async () => {
    reset();
    const file = script(`
import http from 'k6/http';
export const options = {
  scenarios: { ramp: { executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', preAllocatedVUs: 10, maxVUs: 300,
    stages: [ { duration: '1s', target: 200 }, { duration: '1s', target: 200 } ] } },
};
export default function () { http.get(__ENV.BASE + '/ok'); }
`);
    const result = await runScript({ script: file, env: { BASE: base }, log: quiet });
    expect(counter(result, 'dropped_iterations')).toBe(0);
    expect(counter(result, 'http_reqs')).toBe(300);
  });

  it('ramping-vus: stages ramp the VU count up and down (closed model)', async () => {
    reset();
    const file = script(`
import http from 'k6/http';
import { sleep } from 'k6';
export const options = { stages: [ { duration: '1s', target: 4 }, { duration: '1s', target: 4 }, { duration: '1s', target: 0 } ] };
export default function () {
  http.get(__ENV.BASE + '/ok', { headers: { 'x-vu': String(__VU) } });
  sleep(0.1);
}
`);
    const result = await runScript({ script: file, env: { BASE: base }, log: quiet });
    expect([...vuIds].sort()).toEqual(['1', '2', '3', '4']);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    const iterations = counter(result, 'iterations');
    // ~4 VUs x 10 iterations/s x ~2 s at full strength; only a broad sanity range is asserted.
    expect(iterations).toBeGreaterThan(10);
    expect(iterations).toBeLessThan(200);
    expect(result.errors.size).toBe(0);
  });

  it('passes setup() data to every VU, gives unique iterationInTest, and runs teardown', async () => {
    reset();
    const file = script(`
import http from 'k6/http';
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
const seen = new Counter('seen_iterations');
export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 3, iterations: 30 } } };
export function setup() { return { token: http.get(__ENV.BASE + '/setup').json('result.data.path') }; }
export default function (data) {
  if (data.token !== '/setup') throw new Error('bad data ' + JSON.stringify(data));
  http.get(__ENV.BASE + '/it?i=' + exec.scenario.iterationInTest, { headers: { 'x-vu': 'i' + exec.scenario.iterationInTest } });
  seen.add(1);
}
export function teardown(data) { http.get(__ENV.BASE + '/teardown'); }
`);
    const result = await runScript({ script: file, env: { BASE: base }, log: quiet });
    expect(result.errors.size).toBe(0);
    expect(counter(result, 'seen_iterations')).toBe(30);
    expect(vuIds.size).toBe(30); // i0..i29: every iteration number exactly once
    expect(hits).toBe(32);
  });

  it('evaluates thresholds: passing and failing, and counts checks', async () => {
    reset();
    const file = script(`
import http from 'k6/http';
import { check } from 'k6';
export const options = {
  vus: 2, iterations: 20,
  thresholds: {
    http_req_duration: ['p(95)<10000'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
    'http_req_duration{name:fail}': ['count>=1'],
  },
};
export default function () {
  const r = http.get(__ENV.BASE + (__ITER % 2 ? '/fail' : '/ok'), { tags: { name: __ITER % 2 ? 'fail' : 'ok' } });
  check(r, { 'status 200': (x) => x.status === 200 });
}
`);
    const result = await runScript({ script: file, env: { BASE: base }, log: quiet });
    const ok = Object.fromEntries(result.thresholds.map((t) => [`${t.metric} ${t.expression}`, t.ok]));
    expect(ok).toEqual({
      'http_req_duration p(95)<10000': true,
      'http_req_failed rate<0.01': false,
      'checks rate>0.99': false,
      'http_req_duration{name:fail} count>=1': true,
    });
    expect((result.registry.metrics.get('http_req_failed')!.sink as RateSink).rate).toBeCloseTo(0.5);
    expect(result.checks.get('status 200')).toEqual({ passes: 10, fails: 10 });
  });

  it('expected statuses: a 500 declared expected is not a failed request', async () => {
    reset();
    const file = script(`
import http from 'k6/http';
export const options = { iterations: 4 };
export default function () {
  http.get(__ENV.BASE + '/fail', { responseCallback: http.expectedStatuses(200, 500) });
}
`);
    const result = await runScript({ script: file, env: { BASE: base }, log: quiet });
    expect((result.registry.metrics.get('http_req_failed')!.sink as RateSink).rate).toBe(0);
  });

  it('refuses a non-loopback target: the run aborts before any request leaves', async () => {
    reset();
    const file = script(`
import http from 'k6/http';
export const options = { vus: 1, duration: '2s' };
export default function () { http.get('http://10.1.2.3:3001/trpc/x'); }
`);
    const result = await runScript({ script: file, env: {}, log: quiet });
    expect(result.aborted).toMatch(/refusing '10\.1\.2\.3:3001'/);
    expect(counter(result, 'http_reqs')).toBe(0);
  });

  it('gracefulStop interrupts iterations that outlive the scenario', async () => {
    reset();
    const file = script(`
import { sleep } from 'k6';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '500ms', gracefulStop: '200ms' } } };
export default function () { sleep(60); }
`);
    const started = Date.now();
    const result = await runScript({ script: file, env: {}, log: quiet });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.interrupted).toBe(2);
  });

  it('stays within the safety limits', async () => {
    const many = script(`export const options = { vus: 50, duration: '1s' }; export default function () {}`);
    await expect(runScript({ script: many, env: {}, log: quiet, limits: { maxVUs: 10 } })).rejects.toThrow(
      /limit is 10/,
    );
    const long = script(`export const options = { vus: 1, duration: '2h' }; export default function () {}`);
    await expect(runScript({ script: long, env: {}, log: quiet })).rejects.toThrow(/the limit is 1800 s/);
    reset();
    const capped = script(`
import http from 'k6/http';
export const options = { vus: 2, duration: '5s' };
export default function () { http.get(__ENV.BASE + '/ok'); }
`);
    const result = await runScript({ script: capped, env: { BASE: base }, log: quiet, limits: { maxRequests: 25 } });
    expect(result.aborted).toMatch(/request cap of 25/);
    expect(hits).toBeLessThanOrEqual(25);
  });

  it('fails the run when setup() outlives setupTimeout, interrupting it', async () => {
    const file = script(`
import { sleep } from 'k6';
export const options = { setupTimeout: '300ms', iterations: 1 };
export function setup() { sleep(60); }
export default function () {}
`);
    const started = Date.now();
    await expect(runScript({ script: file, env: {}, log: quiet })).rejects.toThrow(/setup\(\) exceeded 0.3 s/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('records iteration errors without stopping the run', async () => {
    const file = script(`
export const options = { iterations: 3 };
export default function () { throw new Error('boom'); }
`);
    const result = await runScript({ script: file, env: {}, log: quiet });
    expect(result.errors.get('Error: boom')).toBe(3);
    expect((result.registry.metrics.get('iteration_duration')!.sink as TrendSink).count).toBe(3);
    expect(counter(result, 'iterations')).toBe(3);
  });
});
