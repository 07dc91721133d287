import { randomBytes } from 'node:crypto';
import { z } from 'zod';

const bool = z.enum(['on', 'off', 'true', 'false', '1', '0']).transform((v) => v === 'on' || v === 'true' || v === '1');
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  API_PORT: int(3001, 0, 65535),
  API_HOST: z.string().default('127.0.0.1'),
  /** API processes sharing the port (node:cluster); 1 = this process serves alone. */
  API_WORKERS: int(1, 1, 16),
  DATABASE_URL: z
    .string()
    .regex(/^(mysql|mariadb):\/\/[^/]+\/[A-Za-z0-9_]+$/, 'must look like mysql://user[:password]@host[:port]/database')
    .default('mysql://root@127.0.0.1:3306/concert'),
  DATABASE_POOL_SIZE: int(10, 1, 200),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis://')
    .default('redis://127.0.0.1:6379/0'),
  /** Prefix for every Redis key: lets tests and several deployments share one Redis. */
  REDIS_PREFIX: z.string().default(''),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AUTH_DEV_SIGNIN: bool.optional(),
  SESSION_TTL_SECONDS: int(24 * 3600, 60),
  ADMIN_TOKEN: z.string().min(8).optional(),
  QUEUE_TICK_MS: int(1000, 50, 60_000),
  QUEUE_ADMIT_PER_TICK: int(50, 1, 100_000),
  QUEUE_MAX_ACTIVE: int(500, 1, 1_000_000),
  QUEUE_ACTIVE_TTL_SECONDS: int(600, 1),
  /** How often the admission tick re-reads from MySQL whether a concert still has a sellable seat. */
  QUEUE_SOLD_OUT_REFRESH_MS: int(5_000, 100, 600_000),
  HOLD_TTL_SECONDS: int(300, 1),
  HOLD_LIMIT_PER_DATE: int(4, 1, 100),
  PAYMENT_GATEWAY_URL: z.url().optional(),
  PAYMENT_GATEWAY_LATENCY_MS: int(50, 0, 60_000),
  PAYMENT_GATEWAY_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  /** Per call to PAYMENT_GATEWAY_URL; slower counts as unavailable (retried, then compensated). */
  PAYMENT_GATEWAY_TIMEOUT_MS: int(5_000, 100, 120_000),
  /** A payment PENDING without progress this long is driven to its end by the payment reconciler. */
  PAYMENT_STALE_AFTER_SECONDS: int(120, 5, 86_400),
  NOTIFY_WEBHOOK_URL: z.url().optional(),
  NOTIFY_MODE: z.enum(['async', 'sync']).default('async'),
  NOTIFY_LATENCY_MS: int(200, 0, 60_000),
  /** `off` sends the hot GETs (queue.status, catalog reads) through the full tRPC handler, for comparison only. */
  FAST_PATHS: z
    .enum(['on', 'off'])
    .default('on')
    .transform((v) => v === 'on'),
  CATALOG_CACHE: z.enum(['on', 'off']).default('on'),
  /**
   * How long a process serves its in-memory catalog copy while it hears evictions over Redis pub/sub (1 s while
   * it does not); at most the Redis copies' 10 min safety-net TTL. 0 turns the memory tier off.
   */
  CATALOG_LOCAL_TTL_MS: int(30_000, 0, 600_000),
  INNGEST_MODE: z.enum(['local', 'server']).default('local'),
  INNGEST_BASE_URL: z.url().optional(),
  INNGEST_EVENT_KEY: z.string().optional(),
  INNGEST_SIGNING_KEY: z.string().optional(),
  /** Public URL of this API as the Inngest server reaches it (server mode). */
  INNGEST_SERVE_ORIGIN: z.url().optional(),
  /**
   * Local mode: `on` = this API process also drives workflow runs; `off` = it only persists its events (the
   * runner's Redis stream) and `npm run worker` processes drive them, so their heap and CPU stay off the
   * request path (docs/workflows.md, "Web and worker processes").
   */
  WORKFLOW_RUNNER: z.enum(['on', 'off']).default('on'),
  /** `npm run worker`: port of its /health, /ready and /metrics, on API_HOST (0 = any free port). */
  WORKER_PORT: int(3002, 0, 65535),
  /**
   * `npm run worker`: the niceness it gives each of its threads (0-19), so on a shared host the kernel serves the API's
   * requests, MySQL and Redis first and the worker takes the idle CPU. 0 leaves the priority alone.
   */
  WORKER_NICE: int(10, 0, 19),
  /** Local runner: runs driven at once per process (bounds its share of the event loop). */
  WORKFLOW_CONCURRENCY: int(64, 1, 1024),
  /** Local runner: first retry delay (doubles per attempt, capped at 60 s). */
  WORKFLOW_RETRY_BASE_MS: int(1000, 1, 600_000),
  /** Registers the workflow test function set (integration tests only). */
  WORKFLOW_TEST_FUNCTIONS: bool.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
});

export type Env = z.infer<typeof EnvSchema> & { AUTH_SECRET: string; AUTH_DEV_SIGNIN: boolean };

/** Parse the environment once. A bad value ends start-up with one line naming the variable. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'environment';
    throw new EnvError(`Invalid ${name}=${JSON.stringify(source[name] ?? '')}: ${issue?.message ?? 'invalid'}`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === 'production' && !env.AUTH_SECRET)
    throw new EnvError('Invalid AUTH_SECRET: required when NODE_ENV=production');
  if (env.INNGEST_MODE === 'server' && !env.INNGEST_SIGNING_KEY && env.NODE_ENV === 'production') {
    throw new EnvError('Invalid INNGEST_SIGNING_KEY: required when INNGEST_MODE=server in production');
  }
  return {
    ...env,
    // A per-start key in dev: sessions and passes die with the process, which is what dev wants.
    AUTH_SECRET: env.AUTH_SECRET ?? randomBytes(32).toString('base64url'),
    AUTH_DEV_SIGNIN: env.AUTH_DEV_SIGNIN ?? env.NODE_ENV !== 'production',
  };
}

export class EnvError extends Error {
  override readonly name = 'EnvError';
}
