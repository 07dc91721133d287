import { readdirSync, readFileSync } from 'node:fs';
import { startWebhookSimulator, type WebhookSimulator } from '@concert/adapters';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@concert/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { procStatFields, type RunningApi, startApi, startWorker } from './api-harness';
import { type Fixture, seedFixture } from './reservation/fixture';
import { pollUntil, signInWithActivePass, trpc } from './reservation/trpc-http';

/**
 * The web/worker layout (docs/workflows.md, "Web and worker processes"): an API with WORKFLOW_RUNNER=off only
 * persists its events; `npm run worker` drives them. Nothing is lost while no worker runs, and a worker started
 * later catches up: the hold's notice, its expiry, the queue's admission ticks.
 */
let tdb: TestDatabase;
let tredis: TestRedis;
let webhook: WebhookSimulator;
let fixture: Fixture;
let api: RunningApi;
let worker: RunningApi | undefined;

const env = () => ({
  DATABASE_URL: tdb.url,
  REDIS_URL: tredis.url,
  REDIS_PREFIX: tredis.prefix,
  AUTH_SECRET: 'worker-integration-test-secret-0123456789',
  QUEUE_TICK_MS: '100',
  HOLD_TTL_SECONDS: '2',
  NOTIFY_MODE: 'async',
  NOTIFY_WEBHOOK_URL: webhook.url,
});

/**
 * The niceness of each thread of the process running worker.ts in the worker's process group (field 19 of
 * /proc/<pid>/task/<tid>/stat): V8's GC threads as well as the main one.
 */
function workerThreadsNice(pgid: number): number[] {
  for (const pid of readFileSync(`/proc/${pgid}/task/${pgid}/children`, 'utf8').trim().split(/\s+/)) {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('worker.ts')) continue;
    return readdirSync(`/proc/${pid}/task`).map((tid) => Number(procStatFields(`/proc/${pid}/task/${tid}/stat`)[16]));
  }
  return [];
}

const seatOf = (i: number) => fixture.schedules[0]?.seatIds[i] ?? 0;
const noticeFor = (reservationId: number) => webhook.delivered().some((m) => m.text?.includes(`#${reservationId},`));
/** Holds seat `i` of the concert through the API and returns the reservation's id. */
async function hold(user: { session: string; queueToken: string }, i: number): Promise<number> {
  const held = await trpc<{ reservationId: number }>(
    api.url,
    'mutation',
    'reservation.hold',
    { seatId: seatOf(i) },
    user,
  );
  expect(held.status).toBe(200);
  return held.data?.reservationId ?? 0;
}
const reservationStatus = async (id: number) =>
  (await tdb.db.selectFrom('reservations').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

beforeAll(async () => {
  [tdb, tredis, webhook] = await Promise.all([
    createTestDatabase('worker_api'),
    createTestRedis('worker_api'),
    startWebhookSimulator({ latencyMs: 0 }),
  ]);
  fixture = await seedFixture(tdb.db, { users: 4, concerts: 1, seatsPerSection: 10 });
  [api, worker] = await Promise.all([startApi({ ...env(), WORKFLOW_RUNNER: 'off' }), startWorker(env())]);
}, 120_000);

afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
  await webhook?.close();
  await Promise.all([tdb?.destroy(), tredis?.destroy()]);
});

describe('an API with WORKFLOW_RUNNER=off and `npm run worker`', { timeout: 120_000 }, () => {
  it('the worker drives what the API persists: admission, the notice, the expiry; the API drives nothing', async () => {
    const concertId = fixture.concertIds[0] ?? 0;
    const user = await signInWithActivePass(api.url, 1, concertId, 30_000);
    const id = await hold(user, 0);
    await pollUntil('the notice', async () => noticeFor(id), 20_000);
    await pollUntil('the expiry', async () => (await reservationStatus(id)) === 'EXPIRED', 30_000, 200);

    const apiMetrics = await fetch(`${api.url}/metrics`).then((r) => r.text());
    const workerMetrics = await fetch(`${worker?.url}/metrics`).then((r) => r.text());
    expect(apiMetrics).not.toMatch(/^workflow_runs_started_total\{/m);
    expect(workerMetrics).toMatch(
      /^workflow_runs_started_total\{function="concert-reservation-reservation-hold-expiry"\} [1-9]/m,
    );
    expect(await fetch(`${worker?.url}/ready`).then((r) => r.json())).toEqual({
      status: 'ready',
      mysql: 'up',
      redis: 'up',
    });
    const nice = workerThreadsNice(worker?.pid ?? 0);
    expect(nice.length).toBeGreaterThan(4);
    expect(new Set(nice)).toEqual(new Set([10]));
  });

  it('with no worker running the API still holds; a worker started later delivers and expires what was left', async () => {
    const concertId = fixture.concertIds[0] ?? 0;
    const user = await signInWithActivePass(api.url, 2, concertId, 30_000);
    await worker?.stop();
    worker = undefined;
    const id = await hold(user, 1);
    // Past the hold's deadline, and nobody has driven its runs.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(noticeFor(id)).toBe(false);
    expect(await reservationStatus(id)).toBe('HELD');

    worker = await startWorker(env());
    await pollUntil('the notice, once a worker runs', async () => noticeFor(id), 30_000);
    await pollUntil(
      'the expiry, once a worker runs',
      async () => (await reservationStatus(id)) === 'EXPIRED',
      30_000,
      200,
    );
    expect(webhook.delivered().filter((m) => m.text?.includes(`#${id},`))).toHaveLength(1);
  });

  it('refuses to start in INNGEST_MODE=server, where the Inngest server drives the runs', async () => {
    await expect(
      startWorker({ ...env(), INNGEST_MODE: 'server', INNGEST_BASE_URL: 'http://127.0.0.1:9' }),
    ).rejects.toThrow(/Invalid INNGEST_MODE/);
  });
});
