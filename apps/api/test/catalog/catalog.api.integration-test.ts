import { type CatalogFixture, catalogKeys, insertCatalogFixture } from '@concert/adapters';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@concert/adapters/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Container, createContainer } from '../../src/container';
import { parseEnv } from '../../src/env';
import { buildServer } from '../../src/server';

/**
 * The catalog over the real HTTP stack (Fastify + tRPC + MySQL + Redis), as a client sees it. Two API
 * "processes" (two containers, each with its own memory and server) share the database and Redis, which is how
 * production runs; a third runs with CATALOG_CACHE=off.
 */
interface Api {
  readonly container: Container;
  readonly app: FastifyInstance;
  readonly base: string;
}

interface Reply<T = unknown> {
  status: number;
  data?: T;
  error?: { code: string; httpStatus: number; domainCode: string | null; zodError: unknown; path: string };
}

let testDb: TestDatabase;
let testRedis: TestRedis;
let fx: CatalogFixture;
let a: Api;
let b: Api;
let off: Api;
let fast: Api;
let userId: number;

async function startApi(overrides: Record<string, string> = {}, fastPaths = false): Promise<Api> {
  const container = createContainer(
    parseEnv({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: testDb.url,
      REDIS_URL: testRedis.url,
      REDIS_PREFIX: testRedis.prefix,
      ...overrides,
    }),
  );
  const app = await buildServer(container, { fastPaths });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { container, app, base: `http://127.0.0.1:${port}` };
}

async function query<T>(api: Api, path: string, input?: unknown): Promise<Reply<T>> {
  const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await fetch(`${api.base}/trpc/${path}${qs}`);
  const body = (await res.json()) as { result?: { data: T }; error?: { data: Reply['error'] } };
  return { status: res.status, data: body.result?.data, error: body.error?.data };
}

interface SeatsOut {
  scheduleId: number;
  seats: { seatId: number; sectionId: number; row: string; number: number; price: number }[];
}
interface SectionsOut {
  scheduleId: number;
  sections: { sectionId: number; name: string; price: number; availableSeats: number; totalSeats: number }[];
}
interface DatesOut {
  concertId: number;
  dates: { scheduleId: number; startsAt: string; availableSeats: number }[];
}

const seatIds = (r: Reply<SeatsOut>) => r.data?.seats.map((s) => s.seatId);

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  testDb = await createTestDatabase('catalog_api');
  testRedis = await createTestRedis('catalog_api');
  fx = await insertCatalogFixture(testDb.db, new Date());
  const user = await testDb.db.insertInto('users').values({ name: 'buyer' }).executeTakeFirstOrThrow();
  userId = Number(user.insertId);
  a = await startApi();
  // Api a runs the workflows (local runner), as `npm run api` does; b only serves.
  await a.container.workflows.start();
  b = await startApi();
  off = await startApi({ CATALOG_CACHE: 'off', REDIS_PREFIX: `${testRedis.prefix}off:` });
  fast = await startApi({}, true);
});

afterAll(async () => {
  for (const api of [a, b, off, fast]) {
    if (!api) continue;
    await api.app.close();
    await api.container.close();
  }
  await testRedis?.destroy();
  await testDb?.destroy();
});

describe('catalog over HTTP: shapes', () => {
  it('concerts: a page, its cursor, and the title/artist prefix filter', async () => {
    const first = await query<{ items: { concertId: number }[]; nextCursor: number | null }>(a, 'catalog.concerts', {
      limit: 2,
    });
    expect(first.status).toBe(200);
    expect(first.data).toEqual({
      items: [
        {
          concertId: fx.concertId,
          title: 'Winter Gala',
          artist: 'Orchestra',
          venue: 'Hall',
          firstDate: null,
          lastDate: null,
        },
        {
          concertId: fx.rockId,
          title: 'Rock 100% Live',
          artist: 'Winterband',
          venue: 'Hall',
          firstDate: null,
          lastDate: null,
        },
      ],
      nextCursor: fx.rockId,
    });
    const next = await query<{ items: { concertId: number }[] }>(a, 'catalog.concerts', {
      limit: 2,
      cursor: fx.rockId,
    });
    expect(next.data?.items.map((c) => c.concertId)).toEqual([fx.jazzId, fx.jazzId + 1]);
    const winter = await query<{ items: { concertId: number }[]; nextCursor: null }>(a, 'catalog.concerts', {
      q: 'winter',
    });
    expect(winter.data?.items.map((c) => c.concertId)).toEqual([fx.concertId, fx.rockId]);
    expect(winter.data?.nextCursor).toBeNull();
    // No input at all: the default page of 20.
    const dflt = await query<{ items: unknown[] }>(a, 'catalog.concerts');
    expect(dflt.data?.items).toHaveLength(20);
  });

  it('availableDates: future dates by start, ISO strings, with counts', async () => {
    const res = await query<DatesOut>(a, 'catalog.availableDates', { concertId: fx.concertId });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      concertId: fx.concertId,
      dates: [
        {
          scheduleId: fx.sooner.scheduleId,
          startsAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
          availableSeats: 2,
        },
        { scheduleId: fx.later.scheduleId, startsAt: expect.any(String), availableSeats: 5 },
      ],
    });
    expect(Date.parse(res.data!.dates[0]!.startsAt)).toBeLessThan(Date.parse(res.data!.dates[1]!.startsAt));
  });

  it('sections: price, available and total seats per section', async () => {
    const res = await query<SectionsOut>(a, 'catalog.sections', { scheduleId: fx.later.scheduleId });
    expect(res.data).toEqual({
      scheduleId: fx.later.scheduleId,
      sections: [
        { sectionId: fx.later.a, name: 'A', price: 100_000, availableSeats: 2, totalSeats: 4 },
        { sectionId: fx.later.b, name: 'B', price: 50_000, availableSeats: 3, totalSeats: 3 },
      ],
    });
  });

  it('availableSeats: all sections of the date, or one section', async () => {
    const all = await query<SeatsOut>(a, 'catalog.availableSeats', { scheduleId: fx.later.scheduleId });
    expect(all.data?.scheduleId).toBe(fx.later.scheduleId);
    expect(seatIds(all)).toEqual([fx.seats.a1, fx.seats.a3, fx.seats.b1, fx.seats.b2, fx.seats.b3]);
    const one = await query<SeatsOut>(a, 'catalog.availableSeats', {
      scheduleId: fx.later.scheduleId,
      sectionId: fx.later.a,
    });
    expect(one.data).toEqual({
      scheduleId: fx.later.scheduleId,
      seats: [
        { seatId: fx.seats.a1, sectionId: fx.later.a, row: 'A', number: 1, price: 100_000 },
        { seatId: fx.seats.a3, sectionId: fx.later.a, row: 'A', number: 3, price: 100_000 },
      ],
    });
  });
});

describe('catalog over HTTP: the lean routes answer exactly as tRPC does', () => {
  const raw = async (api: Api, pathAndQuery: string) => {
    const res = await fetch(`${api.base}/trpc/${pathAndQuery}`);
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  };
  const q = (input: unknown) => `?input=${encodeURIComponent(JSON.stringify(input))}`;

  it.each([
    () => `catalog.availableDates${q({ concertId: fx.concertId })}`,
    () => `catalog.availableDates${q({ concertId: 999_999 })}`,
    () => `catalog.sections${q({ scheduleId: fx.later.scheduleId })}`,
    () => `catalog.sections${q({ scheduleId: 999_999 })}`,
    () => `catalog.availableSeats${q({ scheduleId: fx.later.scheduleId })}`,
    () => `catalog.availableSeats${q({ scheduleId: fx.later.scheduleId, sectionId: fx.later.a })}`,
    () => `catalog.availableSeats${q({ scheduleId: fx.later.scheduleId, sectionId: fx.sooner.c })}`,
    () => `catalog.availableSeats${q({ scheduleId: 1.5 })}`,
    () => 'catalog.availableSeats?input=%7Bnot-json',
    () => 'catalog.availableSeats',
    () =>
      `catalog.availableSeats,catalog.sections?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { scheduleId: fx.later.scheduleId }, 1: { scheduleId: fx.later.scheduleId } }))}`,
  ])('case %#', async (make) => {
    const path = make();
    const viaTrpc = await raw(a, path);
    const viaFast = await raw(fast, path);
    expect(viaFast.status).toBe(viaTrpc.status);
    expect(viaFast.body).toBe(viaTrpc.body);
    expect(viaFast.type).toMatch(/application\/json/);
  });
});

describe('catalog over HTTP: errors', () => {
  it.each([
    ['catalog.availableDates', { concertId: 999_999 }, 'CONCERT_NOT_FOUND'],
    ['catalog.sections', { scheduleId: 999_999 }, 'SCHEDULE_NOT_FOUND'],
    ['catalog.availableSeats', { scheduleId: 999_999 }, 'SCHEDULE_NOT_FOUND'],
    ['catalog.availableSeats', { scheduleId: 999_999, sectionId: 1 }, 'SCHEDULE_NOT_FOUND'],
  ])('%s %j -> 404 %s', async (path, input, domainCode) => {
    const res = await query(a, path, input);
    expect(res.status).toBe(404);
    expect(res.error).toMatchObject({ code: 'NOT_FOUND', domainCode, zodError: null });
  });

  it('a section of another date -> 404 SECTION_NOT_FOUND', async () => {
    for (const sectionId of [fx.sooner.c, 999_999]) {
      const res = await query(a, 'catalog.availableSeats', { scheduleId: fx.later.scheduleId, sectionId });
      expect(res.status).toBe(404);
      expect(res.error).toMatchObject({ code: 'NOT_FOUND', domainCode: 'SECTION_NOT_FOUND' });
    }
  });

  it.each([
    ['catalog.concerts', { limit: 0 }],
    ['catalog.concerts', { limit: 101 }],
    ['catalog.concerts', { limit: 2.5 }],
    ['catalog.concerts', { cursor: -1 }],
    ['catalog.concerts', { q: 'x'.repeat(101) }],
    ['catalog.availableDates', { concertId: 1.5 }],
    ['catalog.availableDates', { concertId: '1' }],
    ['catalog.availableDates', {}],
    ['catalog.sections', { scheduleId: 0 }],
    ['catalog.availableSeats', { scheduleId: 1, sectionId: 1e20 }],
    ['catalog.availableSeats', { scheduleId: -3 }],
  ])('%s %j -> 400 INVALID_INPUT with zodError', async (path, input) => {
    const res = await query(a, path, input);
    expect(res.status).toBe(400);
    expect(res.error).toMatchObject({ code: 'BAD_REQUEST', domainCode: 'INVALID_INPUT' });
    expect(res.error?.zodError).toMatchObject({ fieldErrors: expect.any(Object) });
  });
});

describe('catalog over HTTP: cache and eviction', () => {
  it('a hold is gone at once on the API that made it, and within 1 s on another; other sections stay warm', async () => {
    const input = { scheduleId: fx.later.scheduleId, sectionId: fx.later.b };
    // Warm both APIs (memory and Redis).
    expect(seatIds(await query<SeatsOut>(a, 'catalog.availableSeats', input))).toContain(fx.seats.b1);
    expect(seatIds(await query<SeatsOut>(b, 'catalog.availableSeats', input))).toContain(fx.seats.b1);
    await query(b, 'catalog.availableSeats', { scheduleId: fx.later.scheduleId, sectionId: fx.later.a });
    await query(b, 'catalog.availableSeats', { scheduleId: fx.sooner.scheduleId, sectionId: fx.sooner.c });
    const otherSectionKey = catalogKeys.seats(fx.later.scheduleId, fx.later.a);
    const otherDateKey = catalogKeys.seats(fx.sooner.scheduleId, fx.sooner.c);
    expect(await testRedis.redis.exists(otherSectionKey, otherDateKey)).toBe(2);

    // API a holds B-1 through the real reservation use case (which calls the catalog's eviction hook).
    const held = await a.container.reservation.holdSeat({ userId, seatId: fx.seats.b1 });
    expect(held.ok).toBe(true);
    const heldAt = Date.now();

    // The API that made the change never shows it again.
    expect(seatIds(await query<SeatsOut>(a, 'catalog.availableSeats', input))).not.toContain(fx.seats.b1);
    const sections = await query<SectionsOut>(a, 'catalog.sections', { scheduleId: fx.later.scheduleId });
    expect(sections.data?.sections.find((s) => s.sectionId === fx.later.b)?.availableSeats).toBe(2);
    const dates = await query<DatesOut>(a, 'catalog.availableDates', { concertId: fx.concertId });
    expect(dates.data?.dates.find((d) => d.scheduleId === fx.later.scheduleId)?.availableSeats).toBe(4);

    // The other API: a read made 1 s after the hold no longer shows it.
    await new Promise((r) => setTimeout(r, Math.max(0, heldAt + 1_000 - Date.now())));
    expect(seatIds(await query<SeatsOut>(b, 'catalog.availableSeats', input))).not.toContain(fx.seats.b1);

    // Other sections' cached copies were never evicted.
    expect(await testRedis.redis.exists(otherSectionKey, otherDateKey)).toBe(2);
  });

  it('the catalog/section.changed function, run by the local workflow runner, evicts that section only', async () => {
    const seatsKey = catalogKeys.seats(fx.sooner.scheduleId, fx.sooner.c);
    const sectionsKey = catalogKeys.sections(fx.sooner.scheduleId);
    const datesKey = catalogKeys.dates(fx.concertId);
    const keep = catalogKeys.seats(fx.later.scheduleId, fx.later.a);
    // Warm until every key is in Redis: the runner may still be evicting for the hold of the test before.
    await waitFor(async () => {
      await query(a, 'catalog.availableSeats', { scheduleId: fx.sooner.scheduleId });
      await query(a, 'catalog.availableDates', { concertId: fx.concertId });
      await query(a, 'catalog.availableSeats', { scheduleId: fx.later.scheduleId, sectionId: fx.later.a });
      return (await testRedis.redis.exists(seatsKey, sectionsKey, datesKey, keep)) === 4;
    });
    // Only the event: no direct eviction, so only the function can remove the keys.
    await a.container.events.publish({
      name: 'catalog/section.changed',
      data: { scheduleId: fx.sooner.scheduleId, sectionId: fx.sooner.c },
    });
    await waitFor(async () => (await testRedis.redis.exists(seatsKey)) === 0);
    expect(await testRedis.redis.exists(sectionsKey)).toBe(0);
    expect(await testRedis.redis.exists(datesKey)).toBe(0);
    expect(await testRedis.redis.exists(keep)).toBe(1);
  });

  it('/metrics counts catalog reads by the tier that answered, and says the eviction subscriber is live', async () => {
    const text = await (await fetch(`${a.base}/metrics`)).text();
    for (const tier of ['memory', 'redis', 'mysql']) {
      expect(text).toMatch(new RegExp(`catalog_cache_reads_total\\{tier="${tier}"\\} [1-9]`));
    }
    expect(text).toMatch(/^catalog_eviction_subscriber_live 1$/m);
  });

  it('CATALOG_CACHE=off reads MySQL every time and writes nothing to Redis', async () => {
    const input = { scheduleId: fx.sooner.scheduleId, sectionId: fx.sooner.c };
    expect(seatIds(await query<SeatsOut>(off, 'catalog.availableSeats', input))).toEqual([fx.seats.c1, fx.seats.c2]);
    // Changed behind every cache's back (no eviction at all): the uncached API sees it on the next read.
    await testDb.db.updateTable('seats').set({ status: 'SOLD' }).where('id', '=', fx.seats.c2).execute();
    expect(seatIds(await query<SeatsOut>(off, 'catalog.availableSeats', input))).toEqual([fx.seats.c1]);
    await query(off, 'catalog.availableDates', { concertId: fx.concertId });
    await query(off, 'catalog.sections', { scheduleId: fx.sooner.scheduleId });
    const raw = testRedis.redis.duplicate({ keyPrefix: '' });
    try {
      expect(await raw.keys(`${testRedis.prefix}off:catalog:*`)).toEqual([]);
    } finally {
      raw.disconnect();
    }
  });
});
