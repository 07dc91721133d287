import type { FastifyInstance } from 'fastify';
import type { Container } from './container';

/**
 * The Inngest SDK reads the whole process.env on every request it handles; Node's process.env is a slow native
 * object, a plain copy makes that several times cheaper (measured in docs/workflows.md).
 */
export function copyProcessEnv(): void {
  process.env = { ...process.env };
}

/** The port `app` listens on: the configured one, or the one the OS picked for port 0. */
export function listeningPort(app: FastifyInstance, configured: number): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : configured;
}

/** On SIGTERM or SIGINT: stop taking requests, close the container (runner, pools, connections), exit 0. */
export function exitOnSignals(app: FastifyInstance, container: Container): void {
  const shutdown = async () => {
    await app.close();
    await container.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
