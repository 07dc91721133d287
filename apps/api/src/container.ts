import { type AppInngest, createDb, createInngest, type Db, InngestEventPublisher } from '@concert/adapters';
import type { EventPublisher } from '@concert/domain';
import type { InngestFunction } from 'inngest';
import { Redis } from 'ioredis';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { SessionTokens } from './auth/session-tokens';
import type { Env } from './env';

/**
 * Composition root: builds adapters from config and use cases from adapters. A plain function, no DI framework.
 * Everything a procedure needs hangs off this object, which lives on the tRPC context.
 */
export interface Container {
  readonly env: Env;
  readonly db: Db;
  readonly redis: Redis;
  readonly metrics: Registry;
  readonly sessions: SessionTokens;
  readonly inngest: AppInngest;
  /** Domain events out (to Inngest, bounded and never failing the request). */
  readonly events: EventPublisher;
  /** Every workflow function, served at /api/inngest. Each context adds its own factory's output here. */
  readonly functions: InngestFunction.Any[];
  close(): Promise<void>;
}

export function createContainer(env: Env): Container {
  const db = createDb(env.DATABASE_URL, { connectionLimit: env.DATABASE_POOL_SIZE });
  const redis = new Redis(env.REDIS_URL, {
    keyPrefix: env.REDIS_PREFIX || undefined,
    // Fail fast instead of queueing requests forever while Redis is down: callers get 503, not a hang.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 2_000,
  });
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const sessions = new SessionTokens(env.AUTH_SECRET, env.SESSION_TTL_SECONDS);
  const inngest = createInngest({
    mode: env.INNGEST_MODE,
    baseUrl: env.INNGEST_BASE_URL,
    eventKey: env.INNGEST_EVENT_KEY,
    signingKey: env.INNGEST_SIGNING_KEY,
  });
  const events = new InngestEventPublisher(inngest, 2_000, (error: unknown) =>
    console.warn(`event not sent: ${(error as Error).message}`),
  );
  const functions: InngestFunction.Any[] = [];

  return {
    env,
    db,
    redis,
    metrics,
    sessions,
    inngest,
    events,
    functions,
    async close() {
      redis.disconnect();
      await db.destroy();
    },
  };
}
