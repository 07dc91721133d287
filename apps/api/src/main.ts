import { createContainer } from './container';
import { EnvError, parseEnv } from './env';
import { buildServer } from './server';

async function main(): Promise<void> {
  const env = parseEnv();
  // The Inngest SDK reads the whole process.env on every request it handles; Node's process.env is a slow
  // native object, a plain copy makes that several times cheaper (measured in docs/workflows.md).
  process.env = { ...process.env };
  const container = createContainer(env);
  const app = await buildServer(container);
  await app.listen({ port: env.API_PORT, host: env.API_HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : env.API_PORT;
  // Local mode: the in-process workflow runner starts once the functions are registered and the host is up.
  await container.workflows.start();
  // Sub-minute tickers (queue admission) start now rather than at the next minute boundary.
  await container.events.publish({ name: 'workflow/tickers.kick', data: { reason: 'api started' } });
  console.log(`api listening on http://${env.API_HOST}:${port} (trpc at /trpc, inngest ${env.INNGEST_MODE} mode)`);

  const shutdown = async () => {
    await app.close();
    await container.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  // Configuration mistakes get one clear line, not a stack trace.
  console.error(error instanceof EnvError ? error.message : `api failed to start: ${(error as Error).message}`);
  process.exit(1);
});
