import { readdirSync, readFileSync } from 'node:fs';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@concert/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { procStatFields, type RunningApi, startApi } from './api-harness';

/** API_WORKERS=2: one supervisor and two complete APIs sharing the port (node:cluster). */
let db: TestDatabase;
let redis: TestRedis;
let api: RunningApi | undefined;
let userId: number;

/** Processes of a process group that run the API entry point (tsx, the supervisor, its workers), with parents. */
function apiProcessTree(pgid: number): Array<{ pid: number; ppid: number }> {
  const found: Array<{ pid: number; ppid: number }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [, ppid, pgrp] = procStatFields(`/proc/${entry}/stat`);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (Number(pgrp) === pgid && cmdline.includes('main.ts')) found.push({ pid: Number(entry), ppid: Number(ppid) });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

const apiProcesses = (pgid: number) => apiProcessTree(pgid).map((p) => p.pid);

beforeAll(async () => {
  db = await createTestDatabase('api_workers');
  redis = await createTestRedis('api_workers');
  const user = await db.db.insertInto('users').values({ name: 'worker test' }).executeTakeFirstOrThrow();
  userId = Number(user.insertId);
  api = await startApi({
    API_WORKERS: '2',
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    AUTH_SECRET: 'api-workers-test-secret-0123456789abcdef',
  });
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await redis?.destroy();
  await db?.destroy();
});

describe('API_WORKERS=2', { timeout: 120_000 }, () => {
  it('runs two workers behind one port, each a complete API, and stops them all on SIGTERM', async () => {
    const running = api!;
    // tsx, the supervisor it runs, and two workers forked by the supervisor.
    await expect.poll(() => apiProcesses(running.pid).length, { timeout: 30_000 }).toBe(4);
    // New connections are handed to the workers in turn; every one answers, ready, with its own dependencies.
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const res = await fetch(`${running.url}/ready`, { headers: { connection: 'close' } });
        return { status: res.status, body: await res.json() };
      }),
    );
    for (const answer of answers)
      expect(answer).toEqual({ status: 200, body: { status: 'ready', mysql: 'up', redis: 'up' } });
    // A session issued by one worker is accepted by every worker (same AUTH_SECRET, no per-process state).
    const signIn = await fetch(`${running.url}/trpc/auth.devSignIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ userId }),
    });
    expect(signIn.status).toBe(200);
    const { sessionToken } = ((await signIn.json()) as { result: { data: { sessionToken: string } } }).result.data;
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const res = await fetch(`${running.url}/trpc/queue.status`, {
          headers: { authorization: `Bearer ${sessionToken}`, connection: 'close' },
        });
        return ((await res.json()) as { error: { data: { domainCode: string } } }).error.data.domainCode;
      }),
    );
    // Past the session check everywhere: what is missing is the queue pass, not a valid session.
    expect(new Set(statuses)).toEqual(new Set(['QUEUE_TOKEN_INVALID']));
    await running.stop();
    api = undefined;
    expect(apiProcesses(running.pid)).toEqual([]);
  });

  it('a worker that dies takes the whole group down, so the host supervisor restarts a whole API', async () => {
    const group = await startApi({
      API_WORKERS: '2',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      AUTH_SECRET: 'api-workers-test-secret-0123456789abcdef',
    });
    try {
      await expect.poll(() => apiProcesses(group.pid).length, { timeout: 30_000 }).toBe(4);
      const tree = apiProcessTree(group.pid);
      const supervisor = tree.find((p) => p.ppid === group.pid);
      const workers = tree.filter((p) => p.ppid === supervisor?.pid);
      expect(workers).toHaveLength(2);
      process.kill(workers[0]!.pid, 'SIGKILL');
      await expect.poll(() => apiProcesses(group.pid), { timeout: 30_000 }).toEqual([]);
    } finally {
      await group.stop();
    }
  });
});
