import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { registerCatalogFastPaths } from './catalog/catalog-fast-path.route';
import type { Container } from './container';
import { registerQueueFastPaths } from './queue/queue-fast-path.route';
import { registerReservationFastPaths } from './reservation/reservation-fast-path.route';
import { type AppRouter, appRouter } from './trpc/app.router';
import { type Context, retryAfterHeader } from './trpc/trpc';
import { registerTrpcRefusals, requestContext } from './trpc/trpc-fallback';

export interface ServerOptions {
  /** Serve the hot calls (queue.status, queue.enter, catalog reads, reservation.hold) by lean routes (FAST_PATHS). */
  readonly fastPaths?: boolean;
}

/** Builds the HTTP host: /health, /ready, /metrics, /trpc, /api/inngest. Listening is the caller's business. */
export async function buildServer(container: Container, options: ServerOptions = {}): Promise<FastifyInstance> {
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

  registerOpsRoutes(app, container);
  // Before the plugins below, so their scopes inherit it.
  registerTrpcRefusals(app, container);

  // Stand-in for a Slack incoming webhook (NOTIFY_WEBHOOK_URL in tests and load runs): answers `ok` after
  // NOTIFY_LATENCY_MS, like the seed's 200 ms Slack call. Never mounted in production.
  if (container.env.NODE_ENV !== 'production') {
    app.post('/dev/notify-webhook', async () => {
      await new Promise((resolve) => setTimeout(resolve, container.env.NOTIFY_LATENCY_MS));
      return 'ok';
    });
  }

  // Inngest serve endpoint (docs/workflows.md): the Inngest server calls it in server mode (signed); the local
  // runner calls the same handler in-process. The body stays a raw string: signatures cover the exact bytes.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 4 * 1024 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
    scope.route({
      method: ['GET', 'POST', 'PUT'],
      url: '/api/inngest',
      handler: async (req, reply) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) {
          if (typeof value === 'string') headers.set(name, value);
          else if (Array.isArray(value)) headers.set(name, value.join(', '));
        }
        const body = req.method === 'GET' ? undefined : typeof req.body === 'string' ? req.body : '';
        const res = await container.workflows.handler()(
          new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url}`, { method: req.method, headers, body }),
        );
        reply.code(res.status);
        res.headers.forEach((value, name) => {
          reply.header(name, value);
        });
        return reply.send(await res.text());
      },
    });
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req }): Context => requestContext(container, req.headers),
      responseMeta({ errors }) {
        const retryAfter = errors.length === 1 ? retryAfterHeader(errors[0]?.cause) : undefined;
        return retryAfter ? { headers: { 'retry-after': retryAfter } } : {};
      },
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR')
          app.log.error({ err: error.cause ?? error, path }, 'procedure failed');
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });
  // The hottest requests skip tRPC's Fetch machinery but answer in the same wire format (docs/queue.md,
  // docs/catalog.md, docs/reservations.md).
  if (options.fastPaths ?? container.env.FAST_PATHS) {
    registerQueueFastPaths(app, container);
    registerCatalogFastPaths(app, container);
    registerReservationFastPaths(app, container);
  }

  return app;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref()),
  ]);
}

/** /health (the process answers), /ready (MySQL and Redis answer), /metrics: served by API and worker processes. */
export function registerOpsRoutes(app: FastifyInstance, container: Container): void {
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
}
