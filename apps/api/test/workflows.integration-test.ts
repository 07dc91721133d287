import { createHmac } from 'node:crypto';
import { createInngest, LocalInngestTransport, LocalRunner, type RunSummary } from '@concert/adapters';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@concert/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from './api-harness';

/**
 * Real API processes (tsx apps/api/src/main.ts) with the workflow test function set, real HTTP, real Redis.
 * Events are put on the shared Redis event stream from here, exactly as an API's `inngest.send` does.
 */
let db: TestDatabase;
let redis: TestRedis;
let env: Record<string, string>;
const apis: RunningApi[] = [];
const ADMIN = 'admin-token-for-workflow-tests';

function eventSender(r: TestRedis) {
  const transport = new LocalInngestTransport();
  const inngest = createInngest({ mode: 'local', fetch: transport.fetch });
  // Never started: only its durable event API (the stream) is used.
  new LocalRunner({
    inngest,
    redis: r.redis,
    transport,
    functions: () => [],
    handler: () => () => Promise.reject(new Error('not a runner')),
  });
  return inngest;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

const list = async (name: string) => (await redis.redis.lrange(`wft:${name}`, 0, -1)).map((v) => JSON.parse(v));

async function adminRuns(api: RunningApi): Promise<{ mode: string; runs: RunSummary[] }> {
  const input = encodeURIComponent(JSON.stringify({ limit: 200 }));
  const res = await fetch(`${api.url}/trpc/admin.runs?input=${input}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { data: { mode: string; runs: RunSummary[] } } }).result.data;
}

beforeAll(async () => {
  [db, redis] = await Promise.all([createTestDatabase('wf_api'), createTestRedis('wf_api')]);
  env = {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    ADMIN_TOKEN: ADMIN,
    INNGEST_MODE: 'local',
    WORKFLOW_TEST_FUNCTIONS: 'on',
    WORKFLOW_RETRY_BASE_MS: '100',
  };
  apis.push(await startApi(env));
});

afterAll(async () => {
  await Promise.allSettled(apis.map((a) => a.stop()));
  await redis?.destroy();
  await db?.destroy();
});

describe('workflows in a real API process', () => {
  it('serves /api/inngest over HTTP and speaks the SDK protocol (206 + StepRun op)', async () => {
    const api = apis[0] as RunningApi;
    const intro = await fetch(`${api.url}/api/inngest`);
    expect(intro.status).toBe(200);
    expect(((await intro.json()) as { function_count: number }).function_count).toBeGreaterThanOrEqual(10);

    const event = { name: 'test/chain.next', data: { key: 'http' }, id: 'evt-http', ts: Date.now() };
    const res = await fetch(`${api.url}/api/inngest?fnId=concert-reservation-test-chained&stepId=step`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: 2, event, events: [event], steps: {}, ctx: { run_id: 'r-http', attempt: 0 } }),
    });
    expect(res.status).toBe(206);
    const ops = (await res.json()) as Array<{ op: string; id: string; userland: { id: string } }>;
    expect(ops[0]).toMatchObject({ op: 'StepRun', userland: { id: 'record' } });
  });

  it('runs event-triggered functions, lists them in admin.runs and counts them in /metrics', async () => {
    const api = apis[0] as RunningApi;
    await eventSender(redis).send({ name: 'test/sleep.requested', data: { key: 'api' } });
    const [slept] = await until('sleeper ran', async () => {
      const l = await list('sleep:api');
      return l.length ? l : undefined;
    });
    expect(slept).toBeGreaterThanOrEqual(200);
    const { mode, runs } = await adminRuns(api);
    expect(mode).toBe('local');
    expect(runs.find((r) => r.functionId === 'concert-reservation-test-sleeper')).toMatchObject({
      status: 'completed',
      eventName: 'test/sleep.requested',
    });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/workflow_runs_started_total\{function="concert-reservation-test-sleeper"\} [1-9]/);
    expect(metrics).toMatch(
      /workflow_runs_finished_total\{function="concert-reservation-test-sleeper",status="completed"\} [1-9]/,
    );
  });

  it('two API processes on one Redis: each event handled once, each cron minute run once, the 500 ms tick single', async () => {
    apis.push(await startApi(env));
    const bothUp = Math.floor(Date.now() / 60_000) + 1;

    const keys = Array.from({ length: 20 }, (_, i) => `two-${i}`);
    await eventSender(redis).send(keys.map((key) => ({ name: 'test/send.requested', data: { key } })));
    for (const key of keys) {
      await until(`chain ${key}`, async () => (await list(`chain:${key}`)).length > 0);
    }

    const minute = await until(
      'a cron run with both processes up',
      async () => {
        const minutes = (await list('cron')) as number[];
        return minutes.find((m) => m >= bothUp);
      },
      130_000,
    );
    // Give a double start every chance to show up, and the ticker time to tick.
    await new Promise((r) => setTimeout(r, 4_000));
    for (const key of keys) expect(await list(`chain:${key}`)).toEqual(['received']);
    expect(await redis.redis.get(`wft:cron:${minute}`)).toBe('1');
    const cronMinutes = (await list('cron')) as number[];
    expect(new Set(cronMinutes).size).toBe(cronMinutes.length);

    // The 500 ms ticker: one run per minute (cron lease + singleton), so about elapsed/500 ticks since both
    // processes are up, where a double run would give twice as many. (A minute's run can be skipped if the
    // previous one is still finishing on a very slow machine, hence "at most one" and a wait for ticks.)
    const since = bothUp * 60_000;
    await until(
      '4 ticks with both processes up',
      async () => ((await list('ticks')) as number[]).filter((t) => t >= since).length >= 4,
      70_000,
    );
    const now = Date.now();
    const ticks = ((await list('ticks')) as number[]).filter((t) => t >= since);
    expect(ticks.length).toBeLessThanOrEqual(Math.ceil((now - since) / 500) + 2);
    const { runs } = await adminRuns(apis[0] as RunningApi);
    const tickerRuns = runs.filter(
      (r) => r.functionId === 'concert-reservation-test-ticker' && Date.parse(r.createdAt) >= since,
    );
    const perMinute = new Map<number, number>();
    for (const r of tickerRuns.filter((r) => r.status !== 'skipped')) {
      const m = Math.floor(Date.parse(r.createdAt) / 60_000);
      perMinute.set(m, (perMinute.get(m) ?? 0) + 1);
    }
    for (const count of perMinute.values()) expect(count).toBe(1);
    const cronRuns = runs.filter(
      (r) =>
        r.functionId === 'concert-reservation-test-cron' && Math.floor(Date.parse(r.createdAt) / 60_000) === minute,
    );
    expect(cronRuns).toHaveLength(1);
    const cronCounts = await Promise.all(cronMinutes.map((m) => redis.redis.get(`wft:cron:${m}`)));
    expect(cronCounts.every((c) => c === '1')).toBe(true);
  }, 180_000);

  it('server mode: /api/inngest is signed (unsigned 401, signed 206) and no local runner runs', async () => {
    const key = 'ab'.repeat(32);
    const server = await startApi({
      ...env,
      REDIS_PREFIX: `${redis.prefix}server:`,
      INNGEST_MODE: 'server',
      INNGEST_BASE_URL: 'http://127.0.0.1:9',
      INNGEST_EVENT_KEY: 'test-event-key',
      INNGEST_SIGNING_KEY: `signkey-test-${key}`,
    });
    apis.push(server);
    const event = { name: 'test/chain.next', data: { key: 'signed' }, id: 'evt-signed', ts: Date.now() };
    const body = JSON.stringify({ event, events: [event], steps: {}, ctx: { run_id: 'r-signed', attempt: 0 } });
    const url = `${server.url}/api/inngest?fnId=concert-reservation-test-chained&stepId=step`;
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    const ts = Math.round(Date.now() / 1000).toString();
    // The SDK verifies the HMAC over the canonical JSON (RFC 8785: sorted keys) of the parsed body.
    const mac = createHmac('sha256', key)
      .update(canonical(JSON.parse(body)))
      .update(ts)
      .digest('hex');
    const signed = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-inngest-signature': `t=${ts}&s=${mac}` },
      body,
    });
    expect(signed.status).toBe(206);
    expect(((await signed.json()) as Array<{ op: string }>)[0]?.op).toBe('StepRun');
    expect(await adminRuns(server)).toEqual({ mode: 'server', runs: [] });
    await server.stop();
    apis.splice(apis.indexOf(server), 1);
  });

  it('an event sent while every runner is down is handled after restart', async () => {
    await Promise.all(apis.splice(0).map((a) => a.stop()));
    await eventSender(redis).send({ name: 'test/sleep.requested', data: { key: 'restart' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(await list('sleep:restart')).toEqual([]);
    apis.push(await startApi(env));
    const [slept] = await until('handled after restart', async () => {
      const l = await list('sleep:restart');
      return l.length ? l : undefined;
    });
    expect(slept).toBeGreaterThanOrEqual(200);
  }, 120_000);
});
