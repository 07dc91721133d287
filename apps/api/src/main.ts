import { createContainer } from './container';
import { EnvError, parseEnv } from './env';
import { buildServer } from './server';

async function main(): Promise<void> {
  const env = parseEnv();
  const container = createContainer(env);
  const app = await buildServer(container);
  await app.listen({ port: env.API_PORT, host: env.API_HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : env.API_PORT;
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
