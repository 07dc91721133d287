import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Container } from './container';
import { type AppRouter, appRouter } from './trpc/app.router';
import type { Context } from './trpc/trpc';

/** Builds the HTTP host: /health, /ready, /metrics, /trpc. Listening is the caller's business. */
export async function buildServer(container: Container): Promise<FastifyInstance> {
  const app = Fastify({
    logger: container.env.LOG_LEVEL === 'silent' ? false : { level: container.env.LOG_LEVEL },
    maxParamLength: 5_000,
    bodyLimit: 1024 * 1024,
  });

  // Browser clients (the web app on another port) call the API directly.
  app.addHook('onRequest', async (req, reply) => {
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-allow-headers', 'authorization, content-type, x-queue-token, trpc-accept');
    reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
    if (req.method === 'OPTIONS') return reply.code(204).send();
  });

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (_req, reply) => {
    const checks = await Promise.allSettled([
      withTimeout(sql`SELECT 1`.execute(container.db), 2_000),
      withTimeout(container.redis.ping(), 2_000),
    ]);
    const [mysql, redis] = checks.map((c) => (c.status === 'fulfilled' ? 'up' : 'down'));
    const ready = mysql === 'up' && redis === 'up';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', mysql, redis });
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', container.metrics.contentType);
    return container.metrics.metrics();
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req }): Context => ({
        container,
        authorization: req.headers.authorization,
        queueToken: headerValue(req.headers['x-queue-token']),
      }),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR')
          app.log.error({ err: error.cause ?? error, path }, 'procedure failed');
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  return app;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref()),
  ]);
}
