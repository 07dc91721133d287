import { Redis } from 'ioredis';

/**
 * Key families the API derives from the seed's tables, relative to REDIS_PREFIX; `--reset` deletes them.
 * - `catalog:*`: cached dates, sections and seats plus their fill versions (catalog/caching-catalog.repository.ts).
 * - `{q:*`: each concert's waiting room (`{q:<id>}:w|a|u|p|b|m|seq`: lines, passes, rate buckets, sold-out flag).
 * Kept on purpose: the waiting room's concert lists, `q:concerts` (a running API adds a concert to it once per
 * process, so deleting it would hide that concert from the dashboard and the ticker's sweep until restart) and
 * `q:live` (the ticker's list; an id left from the old data costs one empty tick, which retires it), and the
 * workflow runner's `wf:*` (its stream, consumer group, leases and runs: machinery, not data).
 */
export const DERIVED_REDIS_PATTERNS = ['catalog:*', '{q:*'] as const;

/** Where the keys to clear live: a client without keyPrefix (SCAN returns full names) and the API's REDIS_PREFIX. */
export interface DerivedRedis {
  readonly redis: Redis;
  readonly prefix: string;
}

/** A Redis failure during `--reset`, kept apart from MySQL errors so the CLI can name the right service. */
export class DerivedRedisError extends Error {
  override readonly name = 'DerivedRedisError';
  constructor(
    readonly during: 'check' | 'clear',
    cause: unknown,
  ) {
    super(`Redis ${during} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/** A client that fails at once instead of retrying: the CLI must report an unreachable Redis, not hang. */
export function createSeedRedis(url: string): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // Without a listener ioredis prints every connection error to stderr; the caller reports it in one line.
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Connects (if not yet) and pings. ioredis rejects a failed connect with a bare "Connection is closed.": the socket
 * error (ECONNREFUSED, ENOTFOUND, ...) only comes as an 'error' event, so that is what is thrown.
 */
export async function checkRedis(redis: Redis): Promise<void> {
  let socketError: unknown;
  const onError = (error: unknown) => {
    socketError ??= error;
  };
  redis.on('error', onError);
  try {
    if (redis.status === 'wait') await redis.connect();
    await redis.ping();
  } catch (error) {
    throw socketError ?? error;
  } finally {
    redis.off('error', onError);
  }
}

/** Redis glob characters in the prefix must match themselves, not widen the pattern to other deployments. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * Deletes every key matching the glob `pattern` with SCAN MATCH (never KEYS: a large Redis is not blocked) and
 * UNLINK (memory is freed off the main thread), one batch per SCAN page. Returns how many keys were deleted.
 * `redis` must have no keyPrefix: SCAN returns full names, which a prefixed client would prefix again.
 */
export async function deleteKeysMatching(redis: Redis, pattern: string, count = 1_000): Promise<number> {
  if (redis.options.keyPrefix) throw new Error('deleteKeysMatching needs a client without keyPrefix');
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', count);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Deletes every derived key under `prefix`. Returns how many keys were deleted. */
export async function clearDerivedRedisKeys({ redis, prefix }: DerivedRedis, count = 1_000): Promise<number> {
  let cleared = 0;
  for (const pattern of DERIVED_REDIS_PATTERNS) {
    cleared += await deleteKeysMatching(redis, `${escapeGlob(prefix)}${pattern}`, count);
  }
  return cleared;
}
