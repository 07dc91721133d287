/**
 * Local runner throughput: `npm run bench:workflows [-- --runs 400 --steps 10 --concurrency 64]`.
 *
 * Sends `runs` events to a function of `steps` trivial step.run calls and measures, end to end through the real
 * runner (Redis stream, run hashes, due set) and the real SDK serve handler called in-process, how many step
 * executions per second complete. Also reports the event-loop delay (p50/p99) while it runs, which is what an
 * API sharing the process would feel. Uses Redis at BENCH_REDIS_URL (default 127.0.0.1:6379) under a random
 * prefix, deleted afterwards. Runs once with SDK checkpointing (several steps per request, the default) and
 * once without (one step per request).
 *
 * `--rate N` (runs per second) sends the events at that fixed rate instead of all at once: the open model, to
 * see what a given step rate costs the process (its event-loop delay is what the API would feel) rather than
 * where it saturates.
 */
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { deleteKeysWithPrefix } from '../../testing';
import { createInngest } from '../client';
import { LocalInngestTransport } from '../local-runner/transport';
import { createWorkflows } from '../workflows';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '400' },
    steps: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '64' },
    buffered: { type: 'string', default: '1' },
    modes: { type: 'string', default: 'checkpointing,per-request' },
    rate: { type: 'string', default: '0' },
  },
});
const RUNS = Number(values.runs);
const STEPS = Number(values.steps);
const CONCURRENCY = Number(values.concurrency);
const RATE = Number(values.rate);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

// What apps/api/src/main.ts does too: the SDK enumerates process.env per request.
process.env = { ...process.env };

async function bench(checkpointing: boolean) {
  const prefix = `bench:wf:${Math.random().toString(36).slice(2, 8)}:`;
  const redis = new Redis(REDIS_URL, { keyPrefix: prefix });
  const transport = new LocalInngestTransport();
  const inngest = createInngest({ mode: 'local', fetch: transport.fetch });
  let done = 0;
  let resolveAll: () => void = () => {};
  const allDone = new Promise<void>((r) => {
    resolveAll = r;
  });
  const buffered = Number(values.buffered);
  const fn = inngest.createFunction(
    {
      id: 'bench',
      ...(buffered > 1 ? { checkpointing: { bufferedSteps: buffered, maxInterval: '100ms' } } : {}),
      triggers: [{ event: 'bench/run.requested' }],
    },
    async ({ step }) => {
      let sum = 0;
      for (let i = 0; i < STEPS; i++) sum += (await step.run(`s${i}`, () => i)) as number;
      return sum;
    },
  );
  const workflows = createWorkflows({
    mode: 'local',
    inngest,
    functions: [fn],
    redis,
    transport,
    runner: { concurrency: CONCURRENCY, checkpointing, pollMs: 5 },
    observer: {
      runFinished() {
        done++;
        if (done === RUNS) resolveAll();
      },
    },
  });
  await workflows.start();
  // Warm-up (JIT, connections), not measured.
  await inngest.send({ name: 'bench/run.requested', data: {} });
  while (done < 1) await new Promise((r) => setTimeout(r, 10));
  done = 0;

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // Batches of 100 as fast as they go, or (--rate) a batch every 50 ms holding what is due by then.
  const batch = RATE > 0 ? Math.max(1, Math.round(RATE / 20)) : 100;
  for (let i = 0; i < RUNS; i += batch) {
    if (RATE > 0) {
      const dueAt = t0 + (i / RATE) * 1000;
      if (dueAt > performance.now()) await new Promise((r) => setTimeout(r, dueAt - performance.now()));
    }
    await inngest.send(
      Array.from({ length: Math.min(batch, RUNS - i) }, (_, j) => ({
        name: 'bench/run.requested',
        data: { i: i + j },
      })),
    );
  }
  await allDone;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  await workflows.stop();

  await deleteKeysWithPrefix(REDIS_URL, prefix);
  redis.disconnect();

  const steps = RUNS * STEPS;
  return {
    mode: `${checkpointing ? 'checkpointing (SDK default)' : 'one step per request'}${RATE > 0 ? `, ${RATE} runs/s offered` : ''}`,
    runs: RUNS,
    stepsPerRun: STEPS,
    seconds: Number(seconds.toFixed(2)),
    stepsPerSecond: Math.round(steps / seconds),
    runsPerSecond: Math.round(RUNS / seconds),
    cpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100),
    // Machine-independent: what one fully available core would sustain (the machine is shared).
    stepsPerCpuSecond: Math.round(steps / ((cpu.user + cpu.system) / 1e6)),
    eventLoopDelayP50ms: Number((loop.percentile(50) / 1e6).toFixed(1)),
    eventLoopDelayP99ms: Number((loop.percentile(99) / 1e6).toFixed(1)),
  };
}

const results = [];
for (const mode of values.modes.split(',')) results.push(await bench(mode === 'checkpointing'));
console.log(`${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} (other processes share them)`);
console.table(results);
console.log(JSON.stringify(results));
process.exit(0);
