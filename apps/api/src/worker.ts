import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import Fastify from 'fastify';
import { createContainer } from './container';
import { EnvError, parseEnv } from './env';
import { copyProcessEnv, exitOnSignals, listeningPort } from './process-lifecycle';
import { registerOpsRoutes } from './server';

/**
 * Lowers the niceness of every thread of this process. On Linux a niceness belongs to a thread, and
 * `setPriority(nice)` changes only the calling one: V8's GC and compiler threads, started with the process, kept
 * nice 0, so each of the worker's scavenges (15-40 ms at 500 holds/s) took CPU from the API at full priority.
 * Threads started later (libuv's pool) inherit the main thread's niceness.
 */
function lowerPriority(nice: number): void {
  setPriority(nice); // the main thread; a failure here (not permitted) is the caller's to report
  let threads: number[] = [];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    // Not Linux: the call above set the whole process.
  }
  for (const tid of threads) {
    try {
      setPriority(tid, nice);
    } catch {
      // A thread that has ended since the listing.
    }
  }
}

/**
 * `npm run worker`: a process that drives the local runner's workflow runs and serves no API. With it, the API
 * processes run with WORKFLOW_RUNNER=off and only persist their events, so the runs' objects (batches of 100
 * holds, their notices in flight) no longer live in the heap that serves requests, where every young-generation
 * GC had to copy them (docs/workflows.md, "Web and worker processes"). Any number may run, on any host: they share
 * the work through Redis exactly as API processes with runners do. Its /health, /ready and /metrics are on
 * WORKER_PORT.
 */
async function main(): Promise<void> {
  const env = parseEnv();
  if (env.INNGEST_MODE !== 'local') {
    throw new EnvError(
      'Invalid INNGEST_MODE: the worker drives the local runner; in server mode the Inngest server drives the runs ' +
        'through /api/inngest of the API processes that INNGEST_SERVE_ORIGIN points at',
    );
  }
  if (env.WORKER_NICE > 0) {
    try {
      lowerPriority(env.WORKER_NICE);
    } catch (error) {
      console.warn(`worker: could not lower its priority to nice ${env.WORKER_NICE}: ${(error as Error).message}`);
    }
  }
  copyProcessEnv();
  // No in-memory catalog tier: the worker serves no reads, so it need not hear every eviction on pub/sub (two
  // messages per hold at peak). Its own evictions still publish, and the API processes drop their copies.
  const container = createContainer({ ...env, CATALOG_LOCAL_TTL_MS: 0 });
  const app = Fastify({ logger: env.LOG_LEVEL === 'silent' ? false : { level: env.LOG_LEVEL } });
  registerOpsRoutes(app, container);
  await app.listen({ port: env.WORKER_PORT, host: env.API_HOST });
  await container.workflows.start();
  // Tickers (queue admission) start now rather than at the next minute boundary, as when an API starts.
  await container.events.publish({ name: 'workflow/tickers.kick', data: { reason: 'worker started' } });
  const port = listeningPort(app, env.WORKER_PORT);
  console.log(`worker listening on http://${env.API_HOST}:${port} (driving workflow runs, nice ${env.WORKER_NICE})`);
  exitOnSignals(app, container);
}

main().catch((error: unknown) => {
  console.error(error instanceof EnvError ? error.message : `worker failed to start: ${(error as Error).message}`);
  process.exit(1);
});
