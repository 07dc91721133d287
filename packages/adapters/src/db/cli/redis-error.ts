import type { DerivedRedisError } from '../seed/derived-redis';
import { describeUnreachable, firstLine } from './db-error';

/** Checks REDIS_URL as the API does (apps/api/src/env.ts); throws a one-line message naming what is wrong. */
export function checkRedisUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`REDIS_URL is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`REDIS_URL must start with redis:// (got ${parsed.protocol}//)`);
  }
}

/** One line for a Redis failure during `--reset`; like describeDbError, it names host and port, never a password. */
export function describeRedisError(error: DerivedRedisError, url: string): string {
  let where = 'Redis';
  try {
    const p = new URL(url);
    where = `Redis at ${p.hostname || '127.0.0.1'}:${p.port || 6379}`;
  } catch {
    // checkRedisUrl ran first; keep the generic name.
  }
  const cause = (error.cause ?? {}) as { code?: string; message?: string };
  const message = firstLine(cause.message || String(error.cause));
  const reason =
    describeUnreachable(cause.code, where, 'Redis', 'REDIS_URL') ??
    (/WRONGPASS|NOAUTH|NOPERM/.test(message)
      ? `access denied to ${where}: check the user and password in REDIS_URL`
      : `error on ${where}: ${message}`);
  // After the load MySQL holds the new data set: say so, and that a second --reset clears what is left.
  return error.during === 'check'
    ? `${reason}; nothing was changed`
    : `${reason}; MySQL was reloaded but derived Redis keys may be stale: run again with --reset`;
}
