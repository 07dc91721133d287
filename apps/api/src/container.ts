import { createDb, type Db } from '@concert/adapters';
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

  return {
    env,
    db,
    redis,
    metrics,
    sessions,
    async close() {
      redis.disconnect();
      await db.destroy();
    },
  };
}
