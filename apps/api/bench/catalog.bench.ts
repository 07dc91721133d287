/**
 * Catalog benchmark through the full HTTP stack (Fastify + tRPC + cache + MySQL/Redis), open model: requests
 * are started at a fixed arrival rate whatever the latency (like k6's constant-arrival-rate), and each latency
 * is measured from the instant the request was *due*, so a stalled server cannot hide behind a slow client.
 *
 *   npx tsx apps/api/bench/catalog.bench.ts [--scenario dates|seats|section|sections|health] [--rate 3000]
 *       [--duration 20] [--warmup 5] [--cache on|off|both] [--url http://127.0.0.1:3001]
 *       [--concerts 1000] [--schedules 10000] [--sections 5] [--prewarm]
 *
 * Without --url it starts its own API (apps/api/src/main.ts, as `npm run api` does) on a free port against
 * DATABASE_URL (default: the dev database `concert`, seeded by `npm run db:seed`), with a private REDIS_PREFIX,
 * once per cache setting, and stops it afterwards. Ids are drawn uniformly at random, so most reads miss the
 * in-process tier (1 s TTL) and exercise Redis: a realistic, not a flattering, mix. `--prewarm` first asks every
 * id once, so the timed phases see the steady state (every key in Redis) instead of a cold start.
 */
import { Agent, request } from 'node:http';
import { deleteKeysWithPrefix } from '@concert/adapters/testing';
import { startApi } from '../test/api-harness';

interface Options {
  scenario: 'dates' | 'seats' | 'section' | 'sections' | 'health';
  rate: number;
  durationS: number;
  warmupS: number;
  cache: 'on' | 'off' | 'both';
  url?: string;
  concerts: number;
  schedules: number;
  sections: number;
  prewarm: boolean;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    scenario: 'seats',
    rate: 3000,
    durationS: 20,
    warmupS: 5,
    cache: 'on',
    concerts: 1000,
    schedules: 10000,
    sections: 5,
    prewarm: false,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--prewarm') {
      o.prewarm = true;
      i--;
    } else if (flag === '--scenario') o.scenario = value as Options['scenario'];
    else if (flag === '--rate') o.rate = Number(value);
    else if (flag === '--duration') o.durationS = Number(value);
    else if (flag === '--warmup') o.warmupS = Number(value);
    else if (flag === '--cache') o.cache = value as Options['cache'];
    else if (flag === '--url') o.url = value.replace(/\/$/, '');
    else if (flag === '--concerts') o.concerts = Number(value);
    else if (flag === '--schedules') o.schedules = Number(value);
    else if (flag === '--sections') o.sections = Number(value);
    else throw new Error(`unknown option ${flag}`);
  }
  if (!['dates', 'seats', 'section', 'sections', 'health'].includes(o.scenario)) throw new Error('bad --scenario');
  return o;
}

const rnd = (n: number) => 1 + Math.floor(Math.random() * n);

function pathFor(o: Options): string {
  // The bare Fastify route: calibrates what the machine allows at this moment (no tRPC, no cache, no I/O).
  if (o.scenario === 'health') return '/health';
  let proc: string;
  let input: unknown;
  if (o.scenario === 'dates') [proc, input] = ['catalog.availableDates', { concertId: rnd(o.concerts) }];
  else if (o.scenario === 'sections') [proc, input] = ['catalog.sections', { scheduleId: rnd(o.schedules) }];
  else if (o.scenario === 'seats') [proc, input] = ['catalog.availableSeats', { scheduleId: rnd(o.schedules) }];
  else {
    // The default data set numbers sections schedule by schedule: date s owns sections (s-1)*k+1 .. s*k.
    const scheduleId = rnd(o.schedules);
    [proc, input] = [
      'catalog.availableSeats',
      { scheduleId, sectionId: (scheduleId - 1) * o.sections + rnd(o.sections) },
    ];
  }
  return `/trpc/${proc}?input=${encodeURIComponent(JSON.stringify(input))}`;
}

interface Result {
  sent: number;
  ok: number;
  errors: number;
  statuses: Record<string, number>;
  latencies: number[];
  achievedRate: number;
}

async function phase(base: string, o: Options, seconds: number, agent: Agent): Promise<Result> {
  const { hostname, port } = new URL(base);
  const result: Result = { sent: 0, ok: 0, errors: 0, statuses: {}, latencies: [], achievedRate: 0 };
  const intervalMs = 1000 / o.rate;
  const start = performance.now();
  const end = start + seconds * 1000;
  const inflight = new Set<Promise<void>>();
  let next = start;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      // Start every request that is due by now; the latency clock of each starts at its due time.
      while (next <= now && next < end) {
        const due = next;
        next += intervalMs;
        result.sent++;
        const p = new Promise<void>((resolve) => {
          const req = request({ host: hostname, port, path: pathFor(o), agent, method: 'GET' }, (res) => {
            res.resume();
            res.on('end', () => {
              const status = String(res.statusCode);
              result.statuses[status] = (result.statuses[status] ?? 0) + 1;
              if (res.statusCode === 200) result.ok++;
              else result.errors++;
              result.latencies.push(performance.now() - due);
              resolve();
            });
          });
          // A request not answered in 10 s counts as an error (and bounds how long a phase can drain).
          req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
          req.on('error', (error) => {
            const kind = error.message === 'timeout' ? 'timeout' : 'network';
            result.errors++;
            result.statuses[kind] = (result.statuses[kind] ?? 0) + 1;
            result.latencies.push(performance.now() - due);
            resolve();
          });
          req.end();
        });
        inflight.add(p);
        void p.then(() => inflight.delete(p));
      }
      // A 1 ms timer, not setImmediate: a spinning generator would steal a core from the server it measures.
      if (next >= end) done();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(inflight);
  result.achievedRate = result.sent / ((performance.now() - start) / 1000);
  return result;
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function summary(label: string, r: Result, o: Options, seconds: number): string {
  const s = [...r.latencies].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(2);
  return (
    `${label.padEnd(28)} rate=${o.rate}/s for ${seconds}s sent=${r.sent} ok=${r.ok} errors=${r.errors} ` +
    `p50=${f(pct(s, 50))}ms p95=${f(pct(s, 95))}ms p99=${f(pct(s, 99))}ms max=${f(s.at(-1) ?? Number.NaN)}ms ` +
    `statuses=${JSON.stringify(r.statuses)}`
  );
}

/**
 * Steady state: asks every id once (16 at a time) so Redis holds every key before the timed phases, as it does
 * in production minutes after start (keys live 10 min). Dates: every concert; seats/sections: every date.
 */
async function prewarm(base: string, o: Options, agent: Agent): Promise<void> {
  if (o.scenario === 'health') return;
  const { hostname, port } = new URL(base);
  const count = o.scenario === 'dates' ? o.concerts : o.schedules;
  const proc =
    o.scenario === 'dates'
      ? 'catalog.availableDates'
      : o.scenario === 'sections'
        ? 'catalog.sections'
        : 'catalog.availableSeats';
  let next = 1;
  const worker = async () => {
    while (next <= count) {
      const id = next++;
      const input = o.scenario === 'dates' ? { concertId: id } : { scheduleId: id };
      await new Promise<void>((resolve) => {
        const path = `/trpc/${proc}?input=${encodeURIComponent(JSON.stringify(input))}`;
        const req = request({ host: hostname, port, path, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        });
        req.on('error', () => resolve());
        req.end();
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

async function runAgainst(base: string, o: Options, label: string): Promise<string> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  try {
    if (o.prewarm) await prewarm(base, o, agent);
    if (o.warmupS > 0) await phase(base, o, o.warmupS, agent);
    const before = await apiFigures(base);
    const r = await phase(base, o, o.durationS, agent);
    const after = await apiFigures(base);
    const delta = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
    const tiers = Object.keys(after)
      .filter((k) => k !== 'cpu')
      .map((tier) => `${tier}=${delta(tier)}`)
      .join(' ');
    // CPU per request is the steadier figure on a shared machine: latency also counts everything else running.
    const cpu = ` api cpu/request=${((delta('cpu') * 1e6) / r.sent).toFixed(0)}µs`;
    return `${summary(label, r, o, o.durationS)}${cpu}${tiers ? ` cache reads: ${tiers}` : ''}`;
  } finally {
    agent.destroy();
  }
}

/** The API's CPU seconds so far (`cpu`) and which cache tier answered how many reads (`catalog_cache_reads_total`). */
async function apiFigures(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out: Record<string, number> = {
    cpu: Number(/^process_cpu_seconds_total (\S+)$/m.exec(text)?.[1] ?? Number.NaN),
  };
  for (const m of text.matchAll(/^catalog_cache_reads_total\{tier="(\w+)"\} (\S+)$/gm))
    out[m[1] as string] = Number(m[2]);
  return out;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const lines: string[] = [];
  if (o.url) {
    lines.push(await runAgainst(o.url, o, `${o.scenario} @ ${o.url}`));
  } else {
    const settings = o.cache === 'both' ? (['on', 'off'] as const) : [o.cache];
    for (const cache of settings) {
      const api = await startApi({
        DATABASE_URL: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/concert',
        REDIS_PREFIX: `bench-catalog-${process.pid}-${cache}:`,
        CATALOG_CACHE: cache,
        NODE_ENV: 'production',
        AUTH_SECRET: 'catalog-bench-secret-catalog-bench-secret',
        LOG_LEVEL: 'error',
      });
      try {
        const line = await runAgainst(api.url, o, `${o.scenario} cache=${cache}`);
        console.log(line);
        lines.push(line);
      } finally {
        await api.stop();
        // The bench's own cache keys go when it ends: nothing is left behind in the shared Redis.
        await deleteKeysWithPrefix(
          process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
          `bench-catalog-${process.pid}-${cache}:`,
        );
      }
    }
  }
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
