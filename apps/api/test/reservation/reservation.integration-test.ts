import { KyselyReservationRepository, startWebhookSimulator, type WebhookSimulator } from '@concert/adapters';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@concert/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../api-harness';
import { type Fixture, seedFixture } from './fixture';
import { enterQueue, median, pollUntil, signInWithActivePass, trpc } from './trpc-http';

/**
 * issue 6 through the real HTTP stack: two API processes on one MySQL and one Redis, their Inngest functions
 * running in local mode, a local webhook server standing in for Slack. A answers `reservation.hold` on its lean
 * route (FAST_PATHS, the default), B through tRPC's HTTP handler, so the races below span both.
 */
const AUTH_SECRET = 'reservation-integration-test-secret-0123456789';
let tdb: TestDatabase;
let tredis: TestRedis;
let expiryRedis: TestRedis;
let fixture: Fixture;
let webhook: WebhookSimulator;
const apis: RunningApi[] = [];
let apiA: RunningApi;
let apiB: RunningApi;
let apiShortTtl: RunningApi;

interface HoldOut {
  reservationId: number;
  seatId: number;
  scheduleId: number;
  concertId: number;
  amount: number;
  status: string;
  expiresAt: string;
}

const baseEnv = () => ({
  DATABASE_URL: tdb.url,
  REDIS_URL: tredis.url,
  AUTH_SECRET,
  INNGEST_MODE: 'local',
  QUEUE_TICK_MS: '100',
  HOLD_LIMIT_PER_DATE: '4',
  NOTIFY_MODE: 'async',
  NOTIFY_WEBHOOK_URL: webhook.url,
});

beforeAll(async () => {
  [tdb, tredis, expiryRedis, webhook] = await Promise.all([
    createTestDatabase('reservation_api'),
    createTestRedis('reservation_api'),
    createTestRedis('reservation_api_expiry'),
    startWebhookSimulator({ latencyMs: 0 }),
  ]);
  fixture = await seedFixture(tdb.db, { users: 320, concerts: 3, seatsPerSection: 100 });
  const shared = {
    ...baseEnv(),
    REDIS_PREFIX: tredis.prefix,
    HOLD_TTL_SECONDS: '300',
    QUEUE_MAX_ACTIVE: '5000',
    QUEUE_ADMIT_PER_TICK: '5000',
  };
  // The short-TTL process has its own queue (prefix) with room for only two ACTIVE passes per concert.
  const shortTtl = {
    ...baseEnv(),
    REDIS_PREFIX: expiryRedis.prefix,
    HOLD_TTL_SECONDS: '2',
    QUEUE_MAX_ACTIVE: '2',
    QUEUE_ADMIT_PER_TICK: '2',
  };
  [apiA, apiB, apiShortTtl] = await Promise.all([
    startApi(shared),
    startApi({ ...shared, FAST_PATHS: 'off' }),
    startApi(shortTtl),
  ]);
  apis.push(apiA, apiB, apiShortTtl);
}, 180_000);

afterAll(async () => {
  await Promise.all(apis.map((api) => api.stop()));
  await webhook?.close();
  await Promise.all([tdb?.destroy(), tredis?.destroy(), expiryRedis?.destroy()]);
});

const concert = (i: number) => {
  const schedule = fixture.schedules[i];
  if (!schedule) throw new Error(`no concert ${i}`);
  return schedule;
};
const seat = (concertIndex: number, i: number) => {
  const id = concert(concertIndex).seatIds[i];
  if (id === undefined) throw new Error(`no seat ${i}`);
  return id;
};

describe('reservation.hold across two API processes', () => {
  it('200 users racing for one seat: exactly one HELD row and 199 CONFLICT / SEAT_UNAVAILABLE', async () => {
    const c = concert(0);
    const users = Array.from({ length: 200 }, (_, i) => i + 1);
    const api = (u: number) => (u % 2 === 0 ? apiA : apiB);
    const passes = await Promise.all(users.map((u) => signInWithActivePass(api(u).url, u, c.concertId)));
    const target = seat(0, 0);
    const replies = await Promise.all(
      users.map((u, i) => trpc<HoldOut>(api(u).url, 'mutation', 'reservation.hold', { seatId: target }, passes[i])),
    );
    const won = replies.filter((r) => r.status === 200);
    const lost = replies.filter((r) => r.error?.code === 'CONFLICT' && r.error.domainCode === 'SEAT_UNAVAILABLE');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(199);
    expect(won[0]?.data).toMatchObject({
      seatId: target,
      scheduleId: c.scheduleId,
      concertId: c.concertId,
      amount: 150_000,
      status: 'HELD',
    });
    const rows = await tdb.db.selectFrom('reservations').selectAll().where('seat_id', '=', target).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('HELD');
    const seatRow = await tdb.db.selectFrom('seats').selectAll().where('id', '=', target).executeTakeFirstOrThrow();
    expect(seatRow.status).toBe('HELD');
    expect(Number(seatRow.holder_id)).toBe(rows[0]?.user_id);
    // The winner sees it in reservation.mine.
    const winner = users[replies.findIndex((r) => r.status === 200)] ?? 0;
    const mine = await trpc<{ items: HoldOut[] }>(apiA.url, 'query', 'reservation.mine', {}, passes[winner - 1]);
    expect(mine.data?.items.map((r) => r.reservationId)).toEqual([won[0]?.data?.reservationId]);
    // One notice reaches the webhook for the one hold.
    const id = won[0]?.data?.reservationId ?? 0;
    await pollUntil('the hold notice', async () => webhook.delivered().some((m) => m.text?.includes(`#${id},`)));
  }, 240_000);

  it('limits holds per user per date, and another date has its own count', async () => {
    const user = 201;
    const [first, second] = await Promise.all([
      signInWithActivePass(apiA.url, user, concert(0).concertId),
      signInWithActivePass(apiA.url, user, concert(1).concertId),
    ]);
    for (let i = 1; i <= 4; i++) {
      const r = await trpc<HoldOut>(apiB.url, 'mutation', 'reservation.hold', { seatId: seat(0, i) }, first);
      expect(r.status).toBe(200);
    }
    const fifth = await trpc(apiA.url, 'mutation', 'reservation.hold', { seatId: seat(0, 5) }, first);
    expect(fifth.error).toMatchObject({
      code: 'PRECONDITION_FAILED',
      domainCode: 'HOLD_LIMIT_REACHED',
      httpStatus: 412,
    });
    const otherDate = await trpc(apiA.url, 'mutation', 'reservation.hold', { seatId: seat(1, 0) }, second);
    expect(otherDate.status).toBe(200);
  });

  it('release: only the owner, only while HELD, and the seat can be held again', async () => {
    const c = concert(0);
    const [owner, other] = await Promise.all([
      signInWithActivePass(apiA.url, 202, c.concertId),
      signInWithActivePass(apiB.url, 203, c.concertId),
    ]);
    const held = await trpc<HoldOut>(apiA.url, 'mutation', 'reservation.hold', { seatId: seat(0, 10) }, owner);
    const reservationId = held.data?.reservationId ?? 0;
    const stolen = await trpc(apiB.url, 'mutation', 'reservation.release', { reservationId }, other);
    expect(stolen.error).toMatchObject({ code: 'FORBIDDEN', domainCode: 'NOT_OWNER' });
    const released = await trpc(apiB.url, 'mutation', 'reservation.release', { reservationId }, owner);
    expect(released.data).toEqual({ reservationId, status: 'RELEASED' });
    const again = await trpc(apiA.url, 'mutation', 'reservation.release', { reservationId }, owner);
    expect(again.error?.domainCode).toBe('INVALID_TRANSITION');
    const unknown = await trpc(apiA.url, 'mutation', 'reservation.release', { reservationId: 99_999_999 }, owner);
    expect(unknown.error).toMatchObject({ code: 'NOT_FOUND', domainCode: 'RESERVATION_NOT_FOUND' });
    const retaken = await trpc<HoldOut>(apiB.url, 'mutation', 'reservation.hold', { seatId: seat(0, 10) }, other);
    expect(retaken.data?.status).toBe('HELD');
    const mine = await trpc<{ items: HoldOut[] }>(apiA.url, 'query', 'reservation.mine', {}, owner);
    expect(mine.data?.items.find((r) => r.reservationId === reservationId)?.status).toBe('RELEASED');
  });

  it('refuses unknown seats, bad input, missing sessions and passes that are missing or for another concert', async () => {
    const user = await signInWithActivePass(apiA.url, 204, concert(0).concertId);
    const unknown = await trpc(apiA.url, 'mutation', 'reservation.hold', { seatId: 99_999_999 }, user);
    expect(unknown.error).toMatchObject({ code: 'NOT_FOUND', domainCode: 'SEAT_NOT_FOUND' });
    const bad = await trpc(apiA.url, 'mutation', 'reservation.hold', { seatId: -1 }, user);
    expect(bad.error).toMatchObject({ code: 'BAD_REQUEST', domainCode: 'INVALID_INPUT' });
    const noSession = await trpc(apiA.url, 'mutation', 'reservation.hold', { seatId: seat(0, 20) }, {});
    expect(noSession.error).toMatchObject({ code: 'UNAUTHORIZED', domainCode: 'SESSION_INVALID' });
    const noPass = await trpc(
      apiA.url,
      'mutation',
      'reservation.hold',
      { seatId: seat(0, 20) },
      { session: user.session },
    );
    expect(noPass.error).toMatchObject({ code: 'UNAUTHORIZED', domainCode: 'QUEUE_TOKEN_INVALID' });
    const wrongConcert = await trpc(apiA.url, 'mutation', 'reservation.hold', { seatId: seat(2, 0) }, user);
    expect(wrongConcert.error).toMatchObject({ code: 'UNAUTHORIZED', domainCode: 'QUEUE_TOKEN_INVALID' });
    const forged = await trpc(
      apiA.url,
      'mutation',
      'reservation.hold',
      { seatId: seat(0, 20) },
      {
        session: user.session,
        queueToken: `${user.queueToken}x`,
      },
    );
    expect(forged.error?.domainCode).toBe('QUEUE_TOKEN_INVALID');
    // Nothing was written by any refused call.
    const rows = await tdb.db.selectFrom('reservations').select('id').where('user_id', '=', 204).execute();
    expect(rows).toHaveLength(0);
  });

  it('answers reservation.hold on the lean route (A) exactly as tRPC does (B), case by case', async () => {
    const c = concert(2);
    // Seats 175-191 of this concert: the notice test below holds seats 50-169.
    const [owner, other, limited, elsewhere] = await Promise.all([
      signInWithActivePass(apiA.url, 205, c.concertId),
      signInWithActivePass(apiA.url, 206, c.concertId),
      signInWithActivePass(apiA.url, 207, c.concertId),
      signInWithActivePass(apiA.url, 208, concert(0).concertId),
    ]);
    const post = async (
      api: RunningApi,
      who: { session?: string; queueToken?: string },
      body: string,
      query = '',
    ): Promise<{ status: number; body: unknown; byTrpcHandler: boolean }> => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (who.session) headers.authorization = `Bearer ${who.session}`;
      if (who.queueToken) headers['x-queue-token'] = who.queueToken;
      const res = await fetch(`${api.url}/trpc/reservation.hold${query}`, { method: 'POST', headers, body });
      // tRPC's HTTP handler adds `vary: trpc-accept, accept`; the lean route does not: which one answered.
      return { status: res.status, body: await res.json(), byTrpcHandler: res.headers.has('vary') };
    };
    const hold = (seatId: number) => JSON.stringify({ seatId });
    // What never reaches the hold goes to the tRPC handler (it answers input errors after its session and pass
    // checks, in its own order); everything else is answered by the lean route.
    const delegated = new Set([
      'negative id',
      'no seatId',
      'a string id',
      'no session and no seatId',
      'not JSON',
      'empty body',
      'a batch',
    ]);
    // `other` holds seat 175 first, so it is taken for everyone below.
    expect((await post(apiB, other, hold(seat(2, 175)))).status).toBe(200);
    // `limited` fills its per-date limit.
    for (const i of [180, 181, 182, 183]) expect((await post(apiB, limited, hold(seat(2, i)))).status).toBe(200);
    const cases: Array<[string, { session?: string; queueToken?: string }, string, string?]> = [
      ['no session', {}, hold(seat(2, 176))],
      ['no pass', { session: owner.session }, hold(seat(2, 176))],
      ['forged pass', { session: owner.session, queueToken: `${owner.queueToken}x` }, hold(seat(2, 176))],
      ['pass for another concert', elsewhere, hold(seat(2, 176))],
      ['negative id', owner, hold(-1)],
      ['no seatId', owner, '{}'],
      ['a string id', owner, '{"seatId":"7"}'],
      ['no session and no seatId', {}, '{}'],
      ['not JSON', owner, 'not json'],
      ['empty body', owner, ''],
      ['unknown seat', owner, hold(99_999_999)],
      ['seat taken', owner, hold(seat(2, 175))],
      ['limit reached', limited, hold(seat(2, 184))],
      ['a batch', owner, JSON.stringify({ 0: { seatId: 99_999_999 } }), '?batch=1'],
    ];
    for (const [name, who, body, query] of cases) {
      const lean = await post(apiA, who, body, query);
      const viaTrpc = await post(apiB, who, body, query);
      expect(lean.status, name).toBe(viaTrpc.status);
      expect(lean.status, name).not.toBe(200);
      expect(lean.body, name).toEqual(viaTrpc.body);
      expect(lean.byTrpcHandler, name).toBe(delegated.has(name));
      expect(viaTrpc.byTrpcHandler, name).toBe(true);
    }
    // Success: the same shape from both, for two different seats.
    const a = (await post(apiA, owner, hold(seat(2, 190)))) as Awaited<ReturnType<typeof post>> & {
      body: { result: { data: HoldOut } };
    };
    const b = (await post(apiB, owner, hold(seat(2, 191)))) as Awaited<ReturnType<typeof post>> & {
      body: { result: { data: HoldOut } };
    };
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.byTrpcHandler, b.byTrpcHandler]).toEqual([false, true]);
    const neutral = (r: HoldOut) => ({ ...r, reservationId: 0, seatId: 0, expiresAt: r.expiresAt.slice(0, 15) });
    expect(neutral(a.body.result.data)).toEqual(neutral(b.body.result.data));
    expect(a.body.result.data).toMatchObject({ seatId: seat(2, 190), status: 'HELD', concertId: c.concertId });
    // Every refused call wrote nothing: the owner has exactly its two holds.
    const rows = await tdb.db.selectFrom('reservations').select('seat_id').where('user_id', '=', 205).execute();
    expect(rows.map((r) => Number(r.seat_id)).sort()).toEqual([seat(2, 190), seat(2, 191)].sort());
  });

  it('delivers one notice per hold, and hold latency does not depend on the webhook (200 ms or failing)', async () => {
    const c = concert(2);
    const users = Array.from({ length: 36 }, (_, i) => 240 + i);
    const passes = await Promise.all(users.map((u) => signInWithActivePass(apiA.url, u, c.concertId)));
    let next = 0;
    const holdBatch = async (n: number) => {
      const out: Array<{ ms: number; id: number }> = [];
      for (let i = 0; i < n; i++, next++) {
        const who = passes[Math.floor(next / 4)];
        const r = await trpc<HoldOut>(apiA.url, 'mutation', 'reservation.hold', { seatId: seat(2, 50 + next) }, who);
        expect(r.status).toBe(200);
        out.push({ ms: r.ms, id: r.data?.reservationId ?? 0 });
      }
      return out;
    };
    webhook.configure({ latencyMs: 0, status: 200 });
    const fast = await holdBatch(40);
    webhook.configure({ latencyMs: 200, status: 200 });
    const slow = await holdBatch(40);
    webhook.configure({ latencyMs: 0, status: 500 });
    const failing = await holdBatch(40);
    // Notices go out in batches (up to 1 s after a hold): keep failing until some attempt has failed for real.
    const failedAttempts = () => webhook.received.filter((m) => m.status >= 500).length;
    await pollUntil('a failed notice attempt', async () => failedAttempts() > 0, 30_000, 100);
    webhook.configure({ latencyMs: 0, status: 200 });
    const [fastMs, slowMs, failingMs] = [fast, slow, failing].map((b) => median(b.map((h) => h.ms)));
    console.info(
      `hold median ms: webhook fast ${fastMs?.toFixed(1)}, 200 ms ${slowMs?.toFixed(1)}, failing ${failingMs?.toFixed(1)}`,
    );
    // Generous: a blocking 200 ms call would add >= 200 ms to every hold.
    expect(slowMs).toBeLessThan((fastMs ?? 0) * 3 + 100);
    expect(failingMs).toBeLessThan((fastMs ?? 0) * 3 + 100);
    // Every hold gets exactly one delivered notice: a failed attempt (500) is retried until one succeeds.
    const ids = [...fast, ...slow, ...failing].map((h) => h.id);
    const deliveredFor = (id: number) => webhook.delivered().filter((m) => m.text?.includes(`#${id},`)).length;
    await pollUntil('a notice for every hold', async () => ids.every((id) => deliveredFor(id) >= 1), 120_000, 250);
    for (const id of ids) expect(deliveredFor(id)).toBe(1);
    expect(failedAttempts()).toBeGreaterThan(0);
  }, 240_000);
});

describe('hold expiry (HOLD_TTL_SECONDS=2)', () => {
  const repo = () => new KyselyReservationRepository(tdb.db);

  it('a lapsed hold frees its seat: it is back in catalog.availableSeats and reported EXPIRED', async () => {
    const c = concert(1);
    const user = await signInWithActivePass(apiShortTtl.url, 301, c.concertId);
    const target = seat(1, 30);
    const available = async () => {
      const r = await trpc<{ seats: Array<{ seatId: number }> }>(apiA.url, 'query', 'catalog.availableSeats', {
        scheduleId: c.scheduleId,
      });
      return r.data?.seats.some((s) => s.seatId === target) ?? false;
    };
    expect(await available()).toBe(true);
    const held = await trpc<HoldOut>(apiShortTtl.url, 'mutation', 'reservation.hold', { seatId: target }, user);
    expect(held.data?.status).toBe('HELD');
    await pollUntil('the seat to leave availableSeats', async () => !(await available()), 10_000, 50).catch(() => {
      // On a slow machine the 2 s hold may lapse before we look; the expiry assertions below still hold.
    });
    await pollUntil('the seat to be AVAILABLE again', available, 30_000, 200);
    const row = await tdb.db
      .selectFrom('reservations')
      .select('status')
      .where('id', '=', held.data?.reservationId ?? 0)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('EXPIRED');
    const mine = await trpc<{ items: HoldOut[] }>(apiShortTtl.url, 'query', 'reservation.mine', {}, user);
    expect(mine.data?.items[0]).toMatchObject({ reservationId: held.data?.reservationId, status: 'EXPIRED' });
  }, 60_000);

  it('an expiry racing a sale never undoes the sale', async () => {
    const c = concert(1);
    const user = await signInWithActivePass(apiShortTtl.url, 302, c.concertId);
    const seats = [31, 32, 33, 34].map((i) => seat(1, i));
    const holds: HoldOut[] = [];
    for (const seatId of seats) {
      const r = await trpc<HoldOut>(apiShortTtl.url, 'mutation', 'reservation.hold', { seatId }, user);
      if (!r.data) throw new Error(`hold failed: ${JSON.stringify(r.error)}`);
      holds.push(r.data);
    }
    // Sell two of them as the payment saga would (conditional seat SOLD + reservation CONFIRMED), as close to
    // the deadline as we can, while the expiry workflow is about to fire.
    const deadline = Date.parse(holds[0]?.expiresAt ?? '');
    await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now() - 150)));
    const sold = await Promise.all(holds.slice(0, 2).map((h) => repo().confirmSale(h.reservationId)));
    const soldIds = holds
      .slice(0, 2)
      .filter((_, i) => sold[i])
      .map((h) => h.reservationId);
    const statusOf = async (id: number) =>
      (await tdb.db.selectFrom('reservations').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    // Wait until every hold that was not sold has been expired by its workflow.
    await pollUntil(
      'unsold holds to expire',
      async () => {
        const statuses = await Promise.all(holds.map((h) => statusOf(h.reservationId)));
        return statuses.every((s) => s !== 'HELD');
      },
      30_000,
      200,
    );
    for (const h of holds) {
      const status = await statusOf(h.reservationId);
      const seatRow = await tdb.db.selectFrom('seats').selectAll().where('id', '=', h.seatId).executeTakeFirstOrThrow();
      if (soldIds.includes(h.reservationId)) {
        expect(status).toBe('CONFIRMED');
        expect(seatRow.status).toBe('SOLD');
      } else {
        expect(status).toBe('EXPIRED');
        expect(seatRow.status).toBe('AVAILABLE');
      }
    }
    // Expiring a sold one again, directly, changes nothing.
    for (const id of soldIds) expect(await repo().expire(id, new Date(Date.now() + 3_600_000))).toBe(false);
  }, 60_000);

  it('a WAITING pass cannot hold: FORBIDDEN / QUEUE_NOT_ACTIVE', async () => {
    const c = concert(1);
    // Two ACTIVE passes fill this process's queue for the concert (users 301 and 302 above); 303 waits.
    const signIn = await trpc<{ sessionToken: string }>(apiShortTtl.url, 'mutation', 'auth.devSignIn', { userId: 303 });
    const session = signIn.data?.sessionToken ?? '';
    const queueToken = await enterQueue(apiShortTtl.url, session, c.concertId);
    const status = await trpc<{ status: string }>(
      apiShortTtl.url,
      'query',
      'queue.status',
      {},
      { session, queueToken },
    );
    expect(status.data?.status).toBe('WAITING');
    const r = await trpc(
      apiShortTtl.url,
      'mutation',
      'reservation.hold',
      { seatId: seat(1, 40) },
      { session, queueToken },
    );
    expect(r.error).toMatchObject({ code: 'FORBIDDEN', domainCode: 'QUEUE_NOT_ACTIVE' });
  });

  it('the reconciler sweeps a lapsed hold that has no expiry run (crash, lost event)', async () => {
    const c = concert(1);
    const seatRef = await repo().findSeat(seat(1, 41));
    if (!seatRef) throw new Error('seat missing');
    // Written behind the API's back: no event, so only the reconciler (cron, every minute) can expire it.
    const now = new Date();
    const orphan = await repo().hold({
      userId: 304,
      seat: seatRef,
      now,
      expiresAt: new Date(now.getTime() + 1_000),
      limitPerDate: 4,
    });
    if (!orphan.ok) throw new Error(orphan.error);
    const id = orphan.value.reservation.reservationId;
    await pollUntil(
      'the reconciler to expire the orphan hold',
      async () =>
        (await tdb.db.selectFrom('reservations').select('status').where('id', '=', id).executeTakeFirstOrThrow())
          .status === 'EXPIRED',
      150_000,
      1_000,
    );
    const seatRow = await tdb.db
      .selectFrom('seats')
      .select('status')
      .where('id', '=', seatRef.seatId)
      .executeTakeFirstOrThrow();
    expect(seatRow.status).toBe('AVAILABLE');
    expect(c.scheduleId).toBe(seatRef.scheduleId);
  }, 180_000);
});
