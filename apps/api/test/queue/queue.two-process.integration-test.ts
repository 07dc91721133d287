import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { queueKeys, RedisQueueStore } from '@concert/adapters';
import {
  createTestDatabase,
  createTestRedis,
  insertSmallConcert,
  type TestDatabase,
  type TestRedis,
} from '@concert/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const MAX_ACTIVE = 40;

let db: TestDatabase;
let redis: TestRedis;
let concertId: number;

beforeAll(async () => {
  db = await createTestDatabase('queue_two_process');
  redis = await createTestRedis('queue_two_process');
  ({ concertId } = await insertSmallConcert(db.db, { title: 'Race' }));
});

afterAll(async () => {
  await redis?.destroy();
  await db?.destroy();
});

function runTicker(durationMs: number): Promise<{ admitted: number; ticks: number }> {
  const child = spawn(TSX, [resolve(HERE, 'ticker.process.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      AUTH_SECRET: 'two-process-test-secret-0123456789abcdef',
      QUEUE_MAX_ACTIVE: String(MAX_ACTIVE),
      QUEUE_ADMIT_PER_TICK: '7',
      QUEUE_ACTIVE_TTL_SECONDS: '2',
      TICKER_DURATION_MS: String(durationMs),
      TICKER_PAUSE_MS: '2',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((done, fail) => {
    child.once('exit', (code) => {
      const m = /admitted=(\d+) ticks=(\d+)/.exec(out);
      if (code !== 0 || !m) fail(new Error(`ticker exited ${code}: ${out}`));
      else done({ admitted: Number(m[1]), ticks: Number(m[2]) });
    });
  });
}

describe('admission with two processes ticking at once', () => {
  it('never lets more than QUEUE_MAX_ACTIVE in, while passes are spent and expire', async () => {
    const store = new RedisQueueStore(redis.redis);
    const now = Date.now();
    for (let from = 1; from <= 3_000; from += 500) {
      await Promise.all(Array.from({ length: 500 }, (_, i) => store.enter(concertId, from + i, now)));
    }
    const tickers = Promise.all([runTicker(8_000), runTicker(8_000)]);
    let maxSeen = 0;
    let samples = 0;
    let spent = 0;
    let finished = false;
    void tickers.finally(() => {
      finished = true;
    });
    const activeKey = queueKeys(concertId)[1]!;
    while (!finished) {
      const active = await redis.redis.zcard(activeKey);
      maxSeen = Math.max(maxSeen, active);
      samples++;
      // Complete a few "payments", so both tickers keep competing for freed room.
      for (const uid of await redis.redis.zrange(activeKey, '0', '2')) {
        if (await store.spend(concertId, Number(uid))) spent++;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const [a, b] = await tickers;
    const snap = await store.snapshot(concertId);
    expect(samples).toBeGreaterThan(20);
    expect(maxSeen).toBeLessThanOrEqual(MAX_ACTIVE);
    expect(snap.active).toBeLessThanOrEqual(MAX_ACTIVE);
    // Both processes admitted people, and every admission is accounted for exactly once.
    expect(a.admitted).toBeGreaterThan(0);
    expect(b.admitted).toBeGreaterThan(0);
    expect(a.admitted + b.admitted).toBe(snap.admittedTotal);
    expect(snap.admittedTotal).toBe(snap.active + snap.spentTotal + snap.expiredTotal);
    expect(snap.spentTotal).toBe(spent);
    expect(snap.admittedTotal).toBeGreaterThan(MAX_ACTIVE);
  });
});
