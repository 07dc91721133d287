import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedis, type TestRedis } from '../testing';
import { createInngest } from './client';
import { eventSink, InngestEventPublisher } from './inngest-event-publisher';
import { LocalRunner } from './local-runner/local-runner';
import { LocalInngestTransport } from './local-runner/transport';

/** The publisher with the real SDK client, sending through the local transport into the runner's event stream. */
let redis: TestRedis;

beforeAll(async () => {
  redis = await createTestRedis('wf_publisher');
});
afterAll(async () => {
  await redis?.destroy();
});

function build(options: { failSends?: boolean; direct?: boolean } = {}) {
  const transport = new LocalInngestTransport();
  const sends: number[] = [];
  const countingFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.includes('/e/')) {
      sends.push((JSON.parse(String(init?.body ?? '[]')) as unknown[]).length);
      if (options.failSends) return new Response('{"error":"down"}', { status: 400 });
    }
    return transport.fetch(input, init);
  }) as typeof fetch;
  const inngest = createInngest({ mode: 'local', fetch: countingFetch });
  // Never started: only its event API (the durable stream) is used.
  new LocalRunner({
    inngest,
    redis: redis.redis,
    transport,
    functions: () => [],
    handler: () => () => Promise.reject(),
  });
  const failures: unknown[][] = [];
  const publisher = new InngestEventPublisher(
    eventSink(inngest, options.direct ? transport : undefined),
    2_000,
    (_error, events) => failures.push([...events]),
  );
  return { publisher, sends, failures };
}

const section = (sectionId: number) => ({ name: 'catalog/section.changed', data: { scheduleId: 1, sectionId } });

describe('InngestEventPublisher', () => {
  it('sends what is published in one turn of the event loop together, and each publish resolves once sent', async () => {
    const { publisher, sends } = build();
    const before = await redis.redis.xlen('wf:events');
    await Promise.all(Array.from({ length: 40 }, (_, i) => publisher.publish(section(i + 1), section(i + 1000))));
    expect(sends).toEqual([80]);
    // 80 events in two stream entries (at most 50 events each); the runner test checks it reads them all.
    expect((await redis.redis.xlen('wf:events')) - before).toBe(2);
    // A later turn is a new send.
    await publisher.publish(section(7));
    expect(sends).toEqual([80, 1]);
  });

  it('local mode: straight into the runner stream, without the SDK send path', async () => {
    const { publisher, sends } = build({ direct: true });
    const before = await redis.redis.xlen('wf:events');
    await Promise.all([publisher.publish(section(1)), publisher.publish(section(2), section(3))]);
    expect(sends).toEqual([]);
    expect((await redis.redis.xlen('wf:events')) - before).toBe(1); // one send, one stream entry
    const [entry] = await redis.redis.xrevrange('wf:events', '+', '-', 'COUNT', 1);
    const fields = entry?.[1] ?? [];
    expect(fields.filter((_, i) => i % 2 === 0)).toEqual(['e', 'e', 'e']);
    expect(fields.filter((_, i) => i % 2 === 1).map((json) => JSON.parse(json))).toMatchObject([
      section(1),
      section(2),
      section(3),
    ]);
  });

  it('splits a turn with more than 500 events into several sends, keeping each publish whole', async () => {
    const { publisher, sends } = build();
    await Promise.all(Array.from({ length: 300 }, (_, i) => publisher.publish(section(i + 1), section(i + 2000))));
    expect(sends).toEqual([500, 100]);
  });

  it('refuses an unknown or malformed event before anything is sent; a failed send is reported, not thrown', async () => {
    const ok = build();
    await expect(ok.publisher.publish({ name: 'nope/unknown', data: {} })).rejects.toThrow(/Unknown event/);
    await expect(ok.publisher.publish({ name: 'catalog/section.changed', data: { sectionId: -1 } })).rejects.toThrow();
    expect(ok.sends).toEqual([]);

    const down = build({ failSends: true });
    await expect(
      Promise.all([down.publisher.publish(section(1)), down.publisher.publish(section(2))]),
    ).resolves.toEqual([undefined, undefined]);
    expect(down.failures).toEqual([[section(1)], [section(2)]]);
  });
});
