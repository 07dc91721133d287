import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedis, type TestRedis } from '../../testing';
import { type AppInngest, createInngest } from '../client';
import { createWorkflowTestFunctions } from '../testing/test-functions';
import { createWorkflows, type Workflows } from '../workflows';
import { LocalInngestTransport } from './transport';

/** The runner in-process against real Redis, driving the real SDK serve handler. */
let redis: TestRedis;
let inngest: AppInngest;
let workflows: Workflows;

function build(r: TestRedis) {
  const transport = new LocalInngestTransport();
  const client = createInngest({ mode: 'local', fetch: transport.fetch });
  const functions = createWorkflowTestFunctions(client, r.redis);
  const wf = createWorkflows({
    mode: 'local',
    inngest: client,
    functions,
    redis: r.redis,
    transport,
    runner: { retryBaseMs: 100, pollMs: 10, log: () => {} },
  });
  return { client, wf };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const list = async (name: string) => (await redis.redis.lrange(`wft:${name}`, 0, -1)).map((v) => JSON.parse(v));

beforeAll(async () => {
  redis = await createTestRedis('wf_local_runner');
  ({ client: inngest, wf: workflows } = build(redis));
  await workflows.start();
});

afterAll(async () => {
  await workflows?.stop();
  await redis?.destroy();
});

describe('local runner', () => {
  it('retries a failing step with backoff until it succeeds (memoized result)', async () => {
    await inngest.send({ name: 'test/flaky.requested', data: { key: 'a' } });
    const [value] = await until('flaky done', async () => {
      const l = await list('flaky:a');
      return l.length ? l : undefined;
    });
    expect(value).toBe('ok after 3');
    expect(await redis.redis.get('wft:flaky-attempts:a')).toBe('3');
  });

  it('catches a step that fails for good and runs compensating steps', async () => {
    await inngest.send({ name: 'test/saga.requested', data: { key: 'b' } });
    const log = await until('saga compensated', async () => {
      const l = await list('saga:b');
      return l.includes('notified') ? l : undefined;
    });
    // retries: 1 => two charge attempts, then compensation in order.
    expect(log).toEqual(['reserved', 'charge-attempt', 'charge-attempt', 'released', 'notified']);
    // The last step's side effect lands before the runner records the run's end: wait for the record.
    await until('saga run completed', async () => {
      const runs = await workflows.listRuns(100);
      return runs.find((r) => r.functionId.endsWith('test-saga'))?.status === 'completed';
    });
  });

  it('sleeps (sleepUntil 200 ms) and resumes', async () => {
    await inngest.send({ name: 'test/sleep.requested', data: { key: 'c' } });
    const [slept] = await until('sleep done', async () => {
      const l = await list('sleep:c');
      return l.length ? l : undefined;
    });
    expect(slept).toBeGreaterThanOrEqual(200);
  });

  it('waitForEvent: resumes with the matching event, ignores others', async () => {
    await inngest.send({ name: 'test/wait.requested', data: { orderId: 'o-1', timeout: '30s' } });
    await until('wait registered', async () => {
      const runs = await workflows.listRuns(100);
      return runs.some((r) => r.functionId.endsWith('test-waiter') && r.status === 'waiting');
    });
    await inngest.send({ name: 'test/order.paid', data: { orderId: 'other', amount: 1 } });
    await inngest.send({ name: 'test/order.paid', data: { orderId: 'o-1', amount: 42 } });
    const [result] = await until('wait matched', async () => {
      const l = await list('wait:o-1');
      return l.length ? l : undefined;
    });
    expect(result).toEqual({ matched: 42 });
  });

  it('waitForEvent: times out with null', async () => {
    await inngest.send({ name: 'test/wait.requested', data: { orderId: 'o-2', timeout: '1s' } });
    const [result] = await until('wait timed out', async () => {
      const l = await list('wait:o-2');
      return l.length ? l : undefined;
    });
    expect(result).toEqual({ timedOut: true });
  });

  it('sendEvent triggers a second function', async () => {
    await inngest.send({ name: 'test/send.requested', data: { key: 'd' } });
    const log = await until('chain received', async () => {
      const l = await list('chain:d');
      return l.length ? l : undefined;
    });
    expect(log).toEqual(['received']);
  });

  it('singleton: never two runs at once (later ones are skipped)', async () => {
    await inngest.send(Array.from({ length: 5 }, () => ({ name: 'test/single.requested', data: { key: 'e' } })));
    await until('singleton runs settled', async () => {
      const runs = (await workflows.listRuns(200)).filter((r) => r.functionId.endsWith('test-singleton'));
      return runs.length === 5 && runs.every((r) => r.status === 'completed' || r.status === 'skipped');
    });
    const intervals = (await list('single:e')) as Array<{ start: number; end: number }>;
    expect(intervals.length).toBeGreaterThanOrEqual(2);
    expectNoOverlap(intervals);
    const runs = (await workflows.listRuns(200)).filter((r) => r.functionId.endsWith('test-singleton'));
    expect(runs.some((r) => r.status === 'skipped')).toBe(true);
  });

  it('concurrency 1: every run executes, one at a time', async () => {
    await inngest.send(Array.from({ length: 4 }, () => ({ name: 'test/serial.requested', data: { key: 'f' } })));
    const intervals = (await until('serial runs done', async () => {
      const l = await list('serial:f');
      return l.length === 4 ? l : undefined;
    })) as Array<{ start: number; end: number }>;
    expectNoOverlap(intervals);
  });

  it('runs onFailure after a permanent failure', async () => {
    await inngest.send({ name: 'test/fail.requested', data: { key: 'g' } });
    const log = await until('onFailure ran', async () => {
      const l = await list('failed:g');
      return l.length ? l : undefined;
    });
    expect(log).toEqual(['onFailure ran']);
    const runs = await workflows.listRuns(200);
    const failed = runs.find((r) => r.functionId.endsWith('test-failing'));
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toContain('permanently broken');
  });

  it('batchEvents: full batches at once, the rest after the timeout, one group per run, every event once', async () => {
    const started = Date.now();
    await inngest.send([
      ...Array.from({ length: 12 }, (_, n) => ({ name: 'test/batch.item', data: { group: 'x', n } })),
      ...Array.from({ length: 3 }, (_, n) => ({ name: 'test/batch.item', data: { group: 'y', n } })),
    ]);
    const x = (await until('12 x items', async () => {
      const l = (await list('batch:x')) as number[][];
      return l.flat().length >= 12 ? l : undefined;
    })) as number[][];
    const y = (await until('3 y items', async () => {
      const l = (await list('batch:y')) as number[][];
      return l.flat().length >= 3 ? l : undefined;
    })) as number[][];
    expect(x.map((b) => b.length).sort()).toEqual([2, 5, 5]);
    expect(x.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, n) => n));
    expect(y).toHaveLength(1);
    expect([...(y[0] as number[])].sort()).toEqual([0, 1, 2]);
    // The partial batches waited for the timeout.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('batchEvents across two runners on one Redis: every event in exactly one run', async () => {
    const other = build(redis);
    await other.wf.start();
    try {
      // Sends of 23 events fit one stream entry; sends of 69 span two (at most 50 events per entry).
      const sizes = [23, 69, 23, 23, 69, 23];
      const sends = sizes.map((size, k) => {
        const first = sizes.slice(0, k).reduce((a, b) => a + b, 0);
        return (k % 2 ? inngest : other.client).send(
          Array.from({ length: size }, (_, i) => ({ name: 'test/batch.item', data: { group: 'two', n: first + i } })),
        );
      });
      await Promise.all(sends);
      const runs = (await until('230 items', async () => {
        const l = (await list('batch:two')) as number[][];
        return l.flat().length >= 230 ? l : undefined;
      })) as number[][];
      await new Promise((r) => setTimeout(r, 500)); // a duplicate would show up by now
      const all = ((await list('batch:two')) as number[][]).flat();
      expect(all).toHaveLength(230);
      expect(new Set(all).size).toBe(230);
      expect(runs.every((b) => b.length <= 5)).toBe(true);
    } finally {
      await other.wf.stop();
    }
  });

  it('an event sent while no runner runs is handled after (re)start; waiting runs survive a restart', async () => {
    await inngest.send({ name: 'test/wait.requested', data: { orderId: 'o-3', timeout: '60s' } });
    await until('wait registered', async () => {
      const runs = await workflows.listRuns(200);
      return runs.some((r) => r.functionId.endsWith('test-waiter') && r.status === 'waiting');
    });
    await workflows.stop();
    await inngest.send({ name: 'test/sleep.requested', data: { key: 'h' } }); // persisted, not yet handled
    await new Promise((r) => setTimeout(r, 200));
    expect(await list('sleep:h')).toEqual([]);
    const second = build(redis);
    await second.wf.start();
    try {
      const [slept] = await until('handled after restart', async () => {
        const l = await list('sleep:h');
        return l.length ? l : undefined;
      });
      expect(slept).toBeGreaterThanOrEqual(200);
      await second.client.send({ name: 'test/order.paid', data: { orderId: 'o-3', amount: 7 } });
      const [result] = await until('wait matched after restart', async () => {
        const l = await list('wait:o-3');
        return l.length ? l : undefined;
      });
      expect(result).toEqual({ matched: 7 });
    } finally {
      await second.wf.stop();
      ({ client: inngest, wf: workflows } = build(redis));
      await workflows.start();
    }
  });
});

function expectNoOverlap(intervals: Array<{ start: number; end: number }>) {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    expect(sorted[i]?.start).toBeGreaterThanOrEqual(sorted[i - 1]?.end as number);
  }
}
