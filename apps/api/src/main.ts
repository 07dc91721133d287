import cluster from 'node:cluster';
import { createContainer } from './container';
import { EnvError, parseEnv } from './env';
import { copyProcessEnv, exitOnSignals, listeningPort } from './process-lifecycle';
import { buildServer } from './server';

async function main(): Promise<void> {
  const env = parseEnv();
  if (env.API_WORKERS > 1 && cluster.isPrimary) return supervise(env.API_WORKERS);
  copyProcessEnv();
  const container = createContainer(env);
  const app = await buildServer(container);
  await app.listen({ port: env.API_PORT, host: env.API_HOST });
  const port = listeningPort(app, env.API_PORT);
  // Local mode: the in-process workflow runner starts once the functions are registered and the host is up,
  // unless `npm run worker` processes drive the runs (WORKFLOW_RUNNER=off); events are persisted either way.
  if (env.WORKFLOW_RUNNER === 'on') await container.workflows.start();
  // Sub-minute tickers (queue admission) start now rather than at the next minute boundary.
  await container.events.publish({ name: 'workflow/tickers.kick', data: { reason: 'api started' } });
  console.log(`api listening on http://${env.API_HOST}:${port} (trpc at /trpc, inngest ${env.INNGEST_MODE} mode)`);
  exitOnSignals(app, container);
}

/**
 * API_WORKERS > 1: this process only forks the workers, which share the listening port (node:cluster hands each
 * new connection to the next worker). Each worker is a complete API with its own workflow runner; they already
 * coordinate through Redis and MySQL exactly as separate hosts do (cron leases, one consumer group, atomic
 * scripts), so nothing here is cluster-specific. A worker that dies takes the whole group down: the supervisor
 * of the host (systemd, Docker, the orchestrator) restarts it, rather than a half-alive group serving on.
 */
function supervise(workers: number): void {
  for (let i = 0; i < workers; i++) cluster.fork();
  let stopping = false;
  let failed = false;
  const stopAll = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
  };
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      console.error(`api worker ${worker.process.pid} exited (${signal ?? code}); stopping the others`);
      failed = true;
      stopAll();
    }
    // The others stop cleanly (exit 0) once told to: the group's code is whether it ended on request.
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
  });
  process.once('SIGTERM', stopAll);
  process.once('SIGINT', stopAll);
}

main().catch((error: unknown) => {
  // Configuration mistakes get one clear line, not a stack trace.
  console.error(error instanceof EnvError ? error.message : `api failed to start: ${(error as Error).message}`);
  process.exit(1);
});
