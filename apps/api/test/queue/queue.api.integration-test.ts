import {
  createTestDatabase,
  createTestRedis,
  insertSmallConcert,
  type TestDatabase,
  type TestRedis,
} from '@concert/adapters/testing';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Container, createContainer } from '../../src/container';
import { parseEnv } from '../../src/env';
import { buildServer } from '../../src/server';
import { type Context, queueActiveProcedure, requireActivePass, router } from '../../src/trpc/trpc';
import { bearer, type Reply, trpc } from './http';

/**
 * The queue over the real HTTP stack: Fastify + tRPC + real MySQL and Redis. A probe router mounted beside
 * /trpc stands in for the S+Q procedures (holds, payments) that use queueActiveProcedure + requireActivePass.
 */
const probeRouter = router({
  probe: queueActiveProcedure
    .input(z.object({ concertId: z.number().int().positive() }))
    .mutation(async ({ ctx, input }) => {
      const { activeUntil } = await requireActivePass(ctx, input.concertId);
      return { activeUntil: activeUntil.toISOString() };
    }),
});

let db: TestDatabase;
let redis: TestRedis;
let container: Container;
let app: FastifyInstance;
let fastApp: FastifyInstance;
let fast: string;
let base: string;
let probe: string;
const sessions = new Map<number, string>();
let concerts: { open: number; other: number; soldOut: number };

async function session(userId: number): Promise<Record<string, string>> {
  if (!sessions.has(userId)) {
    const res = await trpc<{ sessionToken: string }>(base, 'mutation', 'auth.devSignIn', { userId });
    sessions.set(userId, res.data!.sessionToken);
  }
  return bearer(sessions.get(userId)!);
}

function expectError(res: Reply, status: number, code: string, domainCode: string) {
  expect(res.error, JSON.stringify(res)).toMatchObject({ code, domainCode });
  expect(res.status).toBe(status);
}

interface Entered {
  queueToken: string;
  status: string;
  position: number | null;
  etaSeconds: number | null;
  pollAfterMs: number;
}

beforeAll(async () => {
  db = await createTestDatabase('queue_api');
  redis = await createTestRedis('queue_api');
  await db.db
    .insertInto('users')
    .values(Array.from({ length: 10 }, (_, i) => ({ name: `u${i + 1}` })))
    .execute();
  const ids: number[] = [];
  for (const [title, seatStatus] of [
    ['Open', 'AVAILABLE'],
    ['Other', 'AVAILABLE'],
    ['Gone', 'SOLD'],
  ] as const) {
    const { concertId } = await insertSmallConcert(db.db, { title, seats: 2, status: seatStatus });
    ids.push(concertId);
  }
  concerts = { open: ids[0]!, other: ids[1]!, soldOut: ids[2]! };
  const env = parseEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    AUTH_SECRET: 'queue-api-test-secret-0123456789abcdef',
    ADMIN_TOKEN: 'admin-token-for-tests',
    QUEUE_MAX_ACTIVE: '1',
    QUEUE_ADMIT_PER_TICK: '1',
  });
  container = createContainer(env);
  app = await buildServer(container, { fastPaths: false });
  await app.register(fastifyTRPCPlugin, {
    prefix: '/test-trpc',
    trpcOptions: {
      router: probeRouter,
      createContext: ({ req }): Context => ({
        container,
        authorization: req.headers.authorization,
        queueToken: req.headers['x-queue-token'] as string | undefined,
      }),
    } satisfies FastifyTRPCPluginOptions<typeof probeRouter>['trpcOptions'],
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  base = `http://127.0.0.1:${port}/trpc`;
  probe = `http://127.0.0.1:${port}/test-trpc`;
  // The same product with the lean queue.status route in front of tRPC.
  fastApp = await buildServer(container, { fastPaths: true });
  await fastApp.listen({ port: 0, host: '127.0.0.1' });
  const fastAddress = fastApp.server.address();
  fast = `http://127.0.0.1:${typeof fastAddress === 'object' && fastAddress ? fastAddress.port : 0}/trpc`;
});

afterAll(async () => {
  await app?.close();
  await fastApp?.close();
  await container?.close();
  await redis?.destroy();
  await db?.destroy();
});

describe('queue over HTTP', () => {
  let first: Entered;
  let second: Entered;

  it('refuses without a valid session: UNAUTHORIZED SESSION_INVALID', async () => {
    expectError(
      await trpc(base, 'mutation', 'queue.enter', { concertId: concerts.open }),
      401,
      'UNAUTHORIZED',
      'SESSION_INVALID',
    );
    expectError(
      await trpc(base, 'query', 'queue.status', undefined, bearer('not.a.jwt')),
      401,
      'UNAUTHORIZED',
      'SESSION_INVALID',
    );
  });

  it('rejects bad input: BAD_REQUEST INVALID_INPUT with zodError', async () => {
    const res = await trpc(base, 'mutation', 'queue.enter', { concertId: 'x' }, await session(1));
    expectError(res, 400, 'BAD_REQUEST', 'INVALID_INPUT');
    expect(res.error?.zodError).toBeTruthy();
    expectError(
      await trpc(base, 'query', 'queue.status', { surprise: 1 }, await session(1)),
      400,
      'BAD_REQUEST',
      'INVALID_INPUT',
    );
  });

  it('answers NOT_FOUND CONCERT_NOT_FOUND for an unknown concert', async () => {
    expectError(
      await trpc(base, 'mutation', 'queue.enter', { concertId: 999_999 }, await session(1)),
      404,
      'NOT_FOUND',
      'CONCERT_NOT_FOUND',
    );
  });

  it('enters in arrival order and returns the same pass and place when entering again', async () => {
    const a = await trpc<Entered>(base, 'mutation', 'queue.enter', { concertId: concerts.open }, await session(1));
    const b = await trpc<Entered>(base, 'mutation', 'queue.enter', { concertId: concerts.open }, await session(2));
    expect(a.data).toMatchObject({ status: 'WAITING', position: 1 });
    expect(b.data).toMatchObject({ status: 'WAITING', position: 2 });
    expect(a.data!.etaSeconds).toBeGreaterThanOrEqual(1);
    expect(a.data!.pollAfterMs).toBeGreaterThanOrEqual(1000);
    expect(a.data!.pollAfterMs).toBeLessThanOrEqual(2000);
    const again = await trpc<Entered>(base, 'mutation', 'queue.enter', { concertId: concerts.open }, await session(1));
    expect(again.data).toMatchObject({ queueToken: a.data!.queueToken, status: 'WAITING', position: 1 });
    first = a.data!;
    second = b.data!;
  });

  it('reports status for the pass holder', async () => {
    const res = await trpc(base, 'query', 'queue.status', undefined, {
      ...(await session(1)),
      'x-queue-token': first.queueToken,
    });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ status: 'WAITING', position: 1, activeUntil: null });
    const withEmpty = await trpc(
      base,
      'query',
      'queue.status',
      {},
      {
        ...(await session(2)),
        'x-queue-token': second.queueToken,
      },
    );
    expect(withEmpty.data).toMatchObject({ status: 'WAITING', position: 2 });
  });

  it('refuses a missing, forged, tampered or foreign pass: UNAUTHORIZED QUEUE_TOKEN_INVALID', async () => {
    const s1 = await session(1);
    const tampered = first.queueToken.replace(`.${concerts.open}.`, `.${concerts.other}.`);
    const forged = `qp1.${concerts.open}.1.1.${'A'.repeat(24)}`;
    for (const headers of [
      s1,
      { ...s1, 'x-queue-token': forged },
      { ...s1, 'x-queue-token': tampered },
      { ...s1, 'x-queue-token': 'garbage' },
      { ...(await session(3)), 'x-queue-token': first.queueToken },
    ]) {
      expectError(
        await trpc(base, 'query', 'queue.status', undefined, headers),
        401,
        'UNAUTHORIZED',
        'QUEUE_TOKEN_INVALID',
      );
    }
    expectError(await trpc(base, 'mutation', 'queue.leave', {}, s1), 401, 'UNAUTHORIZED', 'QUEUE_TOKEN_INVALID');
  });

  it('rate-limits a client polling faster than pollAfterMs: TOO_MANY_REQUESTS RATE_LIMITED', async () => {
    const headers = { ...(await session(2)), 'x-queue-token': second.queueToken };
    // A burst far faster than the 1-2 s the client was told: the bucket (4 tokens) runs dry within it.
    const burst = await Promise.all(
      Array.from({ length: 12 }, () => trpc(base, 'query', 'queue.status', undefined, headers)),
    );
    expect(burst.map((r) => r.status)).toContain(200);
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expectError(limited[0]!, 429, 'TOO_MANY_REQUESTS', 'RATE_LIMITED');
  });

  it('guards S+Q procedures: waiting is FORBIDDEN QUEUE_NOT_ACTIVE, then ACTIVE after a tick', async () => {
    const h1 = { ...(await session(1)), 'x-queue-token': first.queueToken };
    expectError(
      await trpc(probe, 'mutation', 'probe', { concertId: concerts.open }, h1),
      403,
      'FORBIDDEN',
      'QUEUE_NOT_ACTIVE',
    );

    const report = await container.queue.tick();
    expect(report.admitted).toBe(1);

    const ok = await trpc<{ activeUntil: string }>(probe, 'mutation', 'probe', { concertId: concerts.open }, h1);
    expect(ok.status).toBe(200);
    expect(Date.parse(ok.data!.activeUntil)).toBeGreaterThan(Date.now());
    const status = await trpc(base, 'query', 'queue.status', undefined, h1);
    expect(status.data).toMatchObject({ status: 'ACTIVE', position: null, activeUntil: ok.data!.activeUntil });

    // The same genuine pass for another concert, another user's pass, no pass, a forged one: all invalid.
    for (const [input, headers] of [
      [{ concertId: concerts.other }, h1],
      [{ concertId: concerts.open }, { ...(await session(2)), 'x-queue-token': first.queueToken }],
      [{ concertId: concerts.open }, await session(1)],
      [{ concertId: concerts.open }, { ...(await session(1)), 'x-queue-token': `${first.queueToken}x` }],
    ] as const) {
      expectError(await trpc(probe, 'mutation', 'probe', input, headers), 401, 'UNAUTHORIZED', 'QUEUE_TOKEN_INVALID');
    }
    // QUEUE_MAX_ACTIVE=1: user 2 stays waiting while user 1 is active.
    await container.queue.tick();
    const h2 = { ...(await session(2)), 'x-queue-token': second.queueToken };
    expectError(
      await trpc(probe, 'mutation', 'probe', { concertId: concerts.open }, h2),
      403,
      'FORBIDDEN',
      'QUEUE_NOT_ACTIVE',
    );
  });

  it('spending the pass (a completed payment) ends it and frees the slot for the next in line', async () => {
    await container.queue.spend(1, concerts.open);
    const h1 = { ...(await session(1)), 'x-queue-token': first.queueToken };
    expectError(
      await trpc(probe, 'mutation', 'probe', { concertId: concerts.open }, h1),
      403,
      'FORBIDDEN',
      'QUEUE_NOT_ACTIVE',
    );
    expect((await trpc(base, 'query', 'queue.status', undefined, h1)).data).toMatchObject({ status: 'EXPIRED' });
    expect((await container.queue.tick()).admitted).toBe(1);
    const h2 = { ...(await session(2)), 'x-queue-token': second.queueToken };
    expect((await trpc(probe, 'mutation', 'probe', { concertId: concerts.open }, h2)).status).toBe(200);
  });

  it('leaves: the pass is gone afterwards', async () => {
    const s4 = await session(4);
    const entered = await trpc<Entered>(base, 'mutation', 'queue.enter', { concertId: concerts.other }, s4);
    const h4 = { ...s4, 'x-queue-token': entered.data!.queueToken };
    expect((await trpc(base, 'mutation', 'queue.leave', {}, h4)).data).toEqual({ ok: true });
    expect((await trpc(base, 'query', 'queue.status', undefined, h4)).data).toMatchObject({ status: 'EXPIRED' });
  });

  it('answers SOLD_OUT to everyone waiting once no seat is left, and admits nobody', async () => {
    const s5 = await session(5);
    const entered = await trpc<Entered>(base, 'mutation', 'queue.enter', { concertId: concerts.soldOut }, s5);
    expect(entered.data).toMatchObject({ status: 'WAITING', position: 1 });
    await container.queue.refreshSoldOut([concerts.soldOut, concerts.open]);
    const h5 = { ...s5, 'x-queue-token': entered.data!.queueToken };
    expect((await trpc(base, 'query', 'queue.status', undefined, h5)).data).toMatchObject({
      status: 'SOLD_OUT',
      position: null,
    });
    await container.queue.tick();
    expectError(
      await trpc(probe, 'mutation', 'probe', { concertId: concerts.soldOut }, h5),
      403,
      'FORBIDDEN',
      'QUEUE_NOT_ACTIVE',
    );
    const late = await trpc<Entered>(
      base,
      'mutation',
      'queue.enter',
      { concertId: concerts.soldOut },
      await session(6),
    );
    expect(late.data).toMatchObject({ status: 'SOLD_OUT' });
    // The concert with seats left is not affected.
    const open = await container.queue.overview();
    expect(open.find((f) => f.concertId === concerts.open)?.soldOut).toBe(false);
  });

  it('exposes per-concert figures on /metrics and admin.overview', async () => {
    const origin = base.replace(/\/trpc$/, '');
    const text = await (await fetch(`${origin}/metrics`)).text();
    expect(text).toContain(`queue_waiting_users{concert_id="${concerts.soldOut}"} 1`);
    expect(text).toContain(`queue_admitted_total{concert_id="${concerts.open}"} 2`);
    expect(text).toContain('queue_last_eta_seconds');
    expectError(await trpc(base, 'query', 'admin.overview', undefined), 401, 'UNAUTHORIZED', 'SESSION_INVALID');
    const res = await trpc<{ queue: Array<Record<string, unknown>> }>(
      base,
      'query',
      'admin.overview',
      undefined,
      bearer('admin-token-for-tests'),
    );
    expect(res.data?.queue).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ concertId: concerts.open, admittedTotal: 2, spentTotal: 1, active: 1 }),
        expect.objectContaining({ concertId: concerts.soldOut, waiting: 1, soldOut: true }),
      ]),
    );
  });

  it('serves queue.status on the lean route with exactly the tRPC wire format', async () => {
    const s7 = await session(7);
    const entered = await trpc<Entered>(base, 'mutation', 'queue.enter', { concertId: concerts.other }, s7);
    const good = { ...s7, 'x-queue-token': entered.data!.queueToken };
    const raw = async (origin: string, query: string, headers: Record<string, string>) => {
      const res = await fetch(`${origin}/queue.status${query}`, { headers });
      const retryAfter = res.headers.get('retry-after');
      return { status: res.status, retryAfter, body: (await res.json()) as Record<string, unknown> };
    };
    const cases: Array<[string, Record<string, string>]> = [
      ['', {}],
      ['', bearer('not.a.jwt')],
      ['', s7],
      ['', { ...s7, 'x-queue-token': `${entered.data!.queueToken}x` }],
      ['', { ...(await session(8)), 'x-queue-token': entered.data!.queueToken }],
      [`?input=${encodeURIComponent('{"surprise":1}')}`, good],
    ];
    for (const [query, headers] of cases) {
      expect(await raw(fast, query, headers)).toEqual(await raw(base, query, headers));
    }
    // Success, plain and batched (the batch goes through tRPC itself): equal but for the jittered interval.
    // One user per comparison, so the rate limit (4-token burst) never interferes.
    const noJitter = (body: Record<string, unknown>) =>
      JSON.parse(JSON.stringify(body).replace(/"pollAfterMs":\d+/g, '"pollAfterMs":0'));
    const passFor = async (userId: number) => {
      const h = await session(userId);
      const e = await trpc<Entered>(base, 'mutation', 'queue.enter', { concertId: concerts.other }, h);
      return { ...h, 'x-queue-token': e.data!.queueToken };
    };
    for (const [userId, query] of [
      [9, ''],
      [10, `?input=${encodeURIComponent('{}')}`],
      [7, `?batch=1&input=${encodeURIComponent('{"0":{}}')}`],
    ] as const) {
      const headers = userId === 7 ? good : await passFor(userId);
      const viaFast = await raw(fast, query, headers);
      const viaTrpc = await raw(base, query, headers);
      expect(viaFast.status).toBe(200);
      expect(noJitter(viaFast.body)).toEqual(noJitter(viaTrpc.body));
    }
    // The bucket is shared: a burst on both routes at once is limited, with the same error on each.
    const burst = await Promise.all(
      Array.from({ length: 14 }, (_, i) =>
        raw(i % 2 ? fast : base, '', good).then((r) => ({ viaFast: i % 2 === 1, ...r })),
      ),
    );
    const limitedFast = burst.find((r) => r.viaFast && r.status === 429);
    const limitedTrpc = burst.find((r) => !r.viaFast && r.status === 429);
    expect(limitedFast && limitedTrpc, JSON.stringify(burst.map((r) => r.status))).toBeTruthy();
    const withoutMessage = (body: Record<string, unknown>) => ({
      ...body,
      error: { ...(body.error as object), message: '' },
    });
    expect(withoutMessage(limitedFast!.body)).toEqual(withoutMessage(limitedTrpc!.body));
    // Both say when to come back in the standard header too (whole seconds), not only in the message.
    for (const limited of [limitedFast!, limitedTrpc!]) expect(limited.retryAfter).toMatch(/^[1-9][0-9]*$/);
    expect(burst.filter((r) => r.status === 200).every((r) => r.retryAfter === null)).toBe(true);
  });

  it('serves queue.enter on the lean route with exactly the tRPC wire format', async () => {
    const s9 = await session(9);
    const post = async (origin: string, query: string, headers: Record<string, string>, body: string) => {
      const res = await fetch(`${origin}/queue.enter${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const noJitter = (body: Record<string, unknown>) =>
      JSON.parse(JSON.stringify(body).replace(/"pollAfterMs":\d+/g, '"pollAfterMs":0'));
    const input = (value: unknown) => JSON.stringify(value);
    const cases: Array<[string, Record<string, string>, string]> = [
      ['', {}, input({ concertId: concerts.other })],
      ['', bearer('not.a.jwt'), input({ concertId: concerts.other })],
      ['', s9, 'not json'],
      ['', s9, input({ concertId: -1 })],
      ['', s9, input({ concertId: 'x' })],
      ['', s9, ''],
      ['', s9, input({ concertId: 999_999 })],
      ['', s9, input({ concertId: concerts.soldOut })],
      // Entering again is idempotent: the same pass and place, whichever route answers.
      ['', s9, input({ concertId: concerts.other })],
      ['?batch=1', s9, input({ 0: { concertId: concerts.other } })],
    ];
    for (const [query, headers, body] of cases) {
      const viaFast = await post(fast, query, headers, body);
      const viaTrpc = await post(base, query, headers, body);
      expect(viaFast.status, `${query} ${body}`).toBe(viaTrpc.status);
      expect(noJitter(viaFast.body), `${query} ${body}`).toEqual(noJitter(viaTrpc.body));
    }
    const entered = await post(fast, '', s9, input({ concertId: concerts.other }));
    expect(entered.status).toBe(200);
    expect((entered.body.result as { data: Entered }).data.status).toBe('WAITING');
  });
});
