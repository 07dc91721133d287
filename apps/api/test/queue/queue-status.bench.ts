/**
 * `npm run bench:queue`: queue.status (and queue.enter) through the full HTTP stack at a fixed arrival rate
 * (open model), with 100,000 users waiting.
 *
 * 1. A fresh migrated database `concert_test_bench_queue` with one concert (one seat left, so it is not sold
 *    out); a Redis prefix of its own. Sessions signed with the API's AUTH_SECRET by the API's own SessionTokens
 *    class (the equivalent of 100,000 devSignIns).
 * 2. The API started as its own process (apps/api/test/api-harness.ts), with the lean queue.status route
 *    (BENCH_FAST_PATH=0: through the full tRPC handler instead, FAST_PATHS=off).
 * 3. 100,000 waiters put in line directly through RedisQueueStore (the same Lua the API runs).
 * 4. Warm-up, then queue.status at BENCH_STATUS_RATE/s (default 3,000) for BENCH_SECONDS (default 20) by
 *    waiters taking turns in a shuffled order, then queue.enter at BENCH_ENTER_RATE/s (default 1,500) by new users.
 * Latency is measured from each request's scheduled start (no coordinated omission), keep-alive HTTP/1.1.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { HmacQueuePassTokens, RedisQueueStore } from '@concert/adapters';
import { createTestDatabase, createTestRedis, insertSmallConcert } from '@concert/adapters/testing';
import { Pool } from 'undici';
import { SessionTokens } from '../../src/auth/session-tokens';
import { startApi } from '../api-harness';

const WAITING = Number(process.env.BENCH_WAITING ?? 100_000);
const STATUS_RATE = Number(process.env.BENCH_STATUS_RATE ?? 3_000);
const ENTER_RATE = Number(process.env.BENCH_ENTER_RATE ?? 1_500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const SECRET = 'bench-queue-secret-0123456789abcdef0123456789';

interface Outcome {
  readonly latencies: number[];
  readonly statuses: Map<number, number>;
  readonly errors: number;
  readonly seconds: number;
}

/**
 * The load generator shares the machine's two cores with the API, Redis and MariaDB, so its own cost per request
 * is cost taken from the server: undici's Pool measured about half of node:http's CPU per request here.
 */
let pool: Pool | undefined;

async function send(url: URL, method: 'GET' | 'POST', headers: Record<string, string>, body?: string): Promise<number> {
  pool ??= new Pool(url.origin, { connections: 64, pipelining: 1 });
  const res = await pool.request({ path: `${url.pathname}${url.search}`, method, headers, body });
  await res.body.dump();
  return res.statusCode;
}

/** Fires `make(i)` at `rate`/s for `seconds`; latency counted from each request's scheduled time. */
async function openModel(rate: number, seconds: number, make: (i: number) => () => Promise<number>): Promise<Outcome> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let errors = 0;
  let sent = 0;
  let done = 0;
  const start = performance.now();
  // A counter, not an array of 60,000 promises: the generator's own heap (and GC pauses) must stay small, or its
  // stalls show up as server latency.
  await new Promise<void>((finished) => {
    const settle = (scheduled: number) => {
      latencies.push(performance.now() - scheduled);
      if (++done === total) finished();
    };
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000));
      while (sent < due) {
        const scheduled = start + (sent * 1000) / rate;
        const call = make(sent);
        sent++;
        call().then(
          (status) => {
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            if (status !== 200) errors++;
            settle(scheduled);
          },
          () => {
            errors++;
            settle(scheduled);
          },
        );
      }
      if (sent >= total) clearInterval(timer);
    }, 1);
  });
  return { latencies, statuses, errors, seconds: (performance.now() - start) / 1000 };
}

function report(name: string, rate: number, o: Outcome): string {
  const sorted = [...o.latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  const codes = [...o.statuses.entries()].map(([s, n]) => `${s}:${n}`).join(' ');
  return (
    `${name.padEnd(13)} target ${rate}/s  achieved ${(sorted.length / o.seconds).toFixed(0)}/s  n=${sorted.length}  ` +
    `p50 ${pct(50).toFixed(2)} ms  p95 ${pct(95).toFixed(2)} ms  p99 ${pct(99).toFixed(2)} ms  ` +
    `max ${(sorted.at(-1) ?? 0).toFixed(2)} ms  errors ${o.errors}  [${codes}]`
  );
}

/** CPU seconds the API process has used (prom-client's default metric): cost per request, whatever the load. */
async function apiCpuSeconds(origin: string): Promise<number> {
  // With API_WORKERS > 1 each scrape reaches one worker: the figure is then that worker's share, not the total.
  if (Number(process.env.API_WORKERS ?? 1) > 1) return Number.NaN;
  const text = await (await fetch(`${origin}/metrics`)).text();
  const m = /^process_cpu_seconds_total (\S+)$/m.exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

async function main() {
  const db = await createTestDatabase('bench_queue');
  const redis = await createTestRedis('bench_queue');
  const stops: Array<() => Promise<void>> = [];
  try {
    // A seat left, so the concert is not sold out (the tick would otherwise stop admission and answer SOLD_OUT).
    const { concertId } = await insertSmallConcert(db.db, { title: 'Bench' });

    const store = new RedisQueueStore(redis.redis);
    const passTokens = new HmacQueuePassTokens(SECRET);
    const sessions = new SessionTokens(SECRET, 3_600);

    // Sessions first (slow: 100,000 JWTs), so the line is filled just before the API is measured and the
    // waiters' abandonment deadlines (they have not polled yet) are still ahead.
    const t0 = performance.now();
    const sessionTokens = (await Promise.all(Array.from({ length: WAITING }, (_, i) => sessions.issue(i + 1)))).map(
      (s) => s.token,
    );
    const enterUsers = Math.ceil(ENTER_RATE * SECONDS) + 2_000;
    const enterSessions = (
      await Promise.all(Array.from({ length: enterUsers }, (_, i) => sessions.issue(WAITING + 1 + i)))
    ).map((s) => s.token);
    console.log(`signed ${WAITING + enterUsers} sessions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // 2. The API in its own process.
    const api = await startApi({
      // BENCH_FAST_PATH=0 measures queue.status through the full tRPC handler instead of the lean route.
      FAST_PATHS: process.env.BENCH_FAST_PATH === '0' ? 'off' : 'on',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      AUTH_SECRET: SECRET,
      LOG_LEVEL: 'warn',
    });
    stops.push(api.stop);

    // 3. 100,000 waiters, straight into Redis through the store.
    const t1 = performance.now();
    // Flat arrays of strings, one header object per request: 100,000 long-lived objects would make the generator's
    // major GCs long enough to show up as latency.
    const authorizations: string[] = [];
    const passes: string[] = [];
    for (let from = 1; from <= WAITING; from += 5_000) {
      const ids = Array.from({ length: Math.min(5_000, WAITING - from + 1) }, (_, i) => from + i);
      const outs = await Promise.all(ids.map((u) => store.enter(concertId, u, Date.now())));
      for (const [i, out] of outs.entries()) {
        if (out.kind !== 'WAITING') throw new Error(`unexpected ${out.kind}`);
        const userId = ids[i]!;
        authorizations.push(`Bearer ${sessionTokens[userId - 1]!}`);
        passes.push(passTokens.sign({ concertId, userId, seq: out.seq }));
      }
    }
    sessionTokens.length = 0; // copied into `authorizations`
    console.log(`put ${WAITING} waiters in line in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    const statusUrl = new URL(`${api.url}/trpc/queue.status`);
    const enterUrl = new URL(`${api.url}/trpc/queue.enter`);
    // Pollers are drawn from the first BENCH_POLLERS waiters' passes spread over the whole line (default: all).
    const pollers = Math.min(passes.length, Number(process.env.BENCH_POLLERS ?? passes.length));
    const stride = passes.length / pollers;
    // Pollers take turns in a shuffled order, so each one polls once per round (100,000 pollers at 3,000/s: every
    // ~33 s), as clients that honour pollAfterMs do; uniform draws would make some poll twice in a second and
    // measure the rate limiter (429) instead of the status path.
    const order = Array.from({ length: pollers }, (_, i) => Math.floor(i * stride));
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let turn = 0;
    const pick = () => {
      const i = order[turn++ % order.length]!;
      return { authorization: authorizations[i]!, 'x-queue-token': passes[i]! };
    };

    // 4. Warm-up (JIT, connection pool, script cache), then the measured runs.
    await openModel(1_000, 3, () => () => send(statusUrl, 'GET', pick()));
    // Baseline in the same session: the bare /health route at the same rate shows what the machine allows now.
    const healthUrl = new URL(`${api.url}/health`);
    const cpuH0 = await apiCpuSeconds(api.url);
    const health = await openModel(STATUS_RATE, Math.min(5, SECONDS), () => () => send(healthUrl, 'GET', {}));
    const cpuH1 = await apiCpuSeconds(api.url);
    console.log(report('GET /health', STATUS_RATE, health));
    console.log(
      `  API process CPU per GET /health: ${(((cpuH1 - cpuH0) * 1e6) / health.latencies.length).toFixed(0)} µs`,
    );
    const cpu0 = await apiCpuSeconds(api.url);
    const own0 = process.cpuUsage();
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const status = await openModel(STATUS_RATE, SECONDS, () => () => send(statusUrl, 'GET', pick()));
    lag.disable();
    const own1 = process.cpuUsage(own0);
    // The generator shares the machine: its own stalls would read as server latency, so they are shown.
    console.log(
      `  load generator event-loop delay p50 ${(lag.percentile(50) / 1e6).toFixed(1)} ms p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms max ${(lag.max / 1e6).toFixed(1)} ms`,
    );
    const cpu1 = await apiCpuSeconds(api.url);
    console.log(report('queue.status', STATUS_RATE, status));
    console.log(
      `  API process CPU per queue.status: ${(((cpu1 - cpu0) * 1e6) / status.latencies.length).toFixed(0)} µs` +
        ` (this load generator: ${((own1.user + own1.system) / status.latencies.length).toFixed(0)} µs)`,
    );

    let next = 0;
    const body = JSON.stringify({ concertId });
    const enterCall = () => {
      const token = enterSessions[next++ % enterSessions.length]!;
      return () =>
        send(enterUrl, 'POST', { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body);
    };
    await openModel(500, 2, enterCall);
    const cpu2 = await apiCpuSeconds(api.url);
    const enter = await openModel(ENTER_RATE, SECONDS / 2, enterCall);
    const cpu3 = await apiCpuSeconds(api.url);
    console.log(report('queue.enter', ENTER_RATE, enter));
    console.log(`  API process CPU per queue.enter: ${(((cpu3 - cpu2) * 1e6) / enter.latencies.length).toFixed(0)} µs`);
    const snap = await store.snapshot(concertId);
    console.log(
      `line now: ${snap.waiting} waiting, ${snap.active} active; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    for (const stop of stops) await stop();
    await pool?.destroy();
    await redis.destroy();
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
