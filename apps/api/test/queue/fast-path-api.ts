/**
 * Benchmark-only entry: the API as main.ts builds it, plus the lean queue.status route
 * (registerQueueStatusFastPath) that server.ts does not register yet. No workflow runner.
 */
import { createContainer } from '../../src/container';
import { parseEnv } from '../../src/env';
import { registerQueueStatusFastPath } from '../../src/queue/queue-status.route';
import { buildServer } from '../../src/server';

const env = parseEnv();
const container = createContainer(env);
const app = await buildServer(container);
registerQueueStatusFastPath(app, container);
await app.listen({ port: env.API_PORT, host: env.API_HOST });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : env.API_PORT;
console.log(`api listening on http://${env.API_HOST}:${port} (lean queue.status route)`);
const shutdown = async () => {
  await app.close();
  await container.close();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
