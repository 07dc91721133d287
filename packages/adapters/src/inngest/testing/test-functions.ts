import { type InngestFunction, NonRetriableError } from 'inngest';
import type { Redis } from 'ioredis';
import type { AppInngest } from '../client';
import { createTicker } from '../reconciler';

/**
 * A function set exercising every feature the local runner supports. Registered in the API only when
 * WORKFLOW_TEST_FUNCTIONS=on (integration tests); every function records what it did under `wft:` in Redis
 * (the container's prefixed client), which the tests read back.
 */
export function createWorkflowTestFunctions(inngest: AppInngest, redis: Redis, options: { ticker?: boolean } = {}) {
  const log = (list: string, value: unknown) => redis.rpush(`wft:${list}`, JSON.stringify(value));
  const realSleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const flaky = inngest.createFunction(
    { id: 'test-flaky', retries: 3, triggers: [{ event: 'test/flaky.requested' }] },
    async ({ event, step }) => {
      const key = String((event.data as { key: string }).key);
      const value = await step.run('flaky', async () => {
        const attempt = await redis.incr(`wft:flaky-attempts:${key}`);
        if (attempt < 3) throw new Error(`flaky attempt ${attempt}`);
        return `ok after ${attempt}`;
      });
      await log(`flaky:${key}`, value);
      return { value };
    },
  );

  const saga = inngest.createFunction(
    { id: 'test-saga', retries: 1, triggers: [{ event: 'test/saga.requested' }] },
    async ({ event, step }) => {
      const key = String((event.data as { key: string }).key);
      await step.run('reserve', () => log(`saga:${key}`, 'reserved'));
      try {
        await step.run('charge', async () => {
          await log(`saga:${key}`, 'charge-attempt');
          throw new Error('card declined');
        });
        return { charged: true };
      } catch {
        await step.run('release', () => log(`saga:${key}`, 'released'));
        await step.run('notify', () => log(`saga:${key}`, 'notified'));
        return { charged: false, compensated: true };
      }
    },
  );

  const sleeper = inngest.createFunction(
    { id: 'test-sleeper', triggers: [{ event: 'test/sleep.requested' }] },
    async ({ event, step }) => {
      const key = String((event.data as { key: string }).key);
      const before = (await step.run('before', () => Date.now())) as number;
      await step.sleepUntil('nap', new Date(before + 200));
      const after = (await step.run('after', () => Date.now())) as number;
      await log(`sleep:${key}`, after - before);
      return { sleptMs: after - before };
    },
  );

  const waiter = inngest.createFunction(
    { id: 'test-waiter', triggers: [{ event: 'test/wait.requested' }] },
    async ({ event, step }) => {
      const data = event.data as { orderId: string; timeout?: string };
      const paid = await step.waitForEvent('wait-paid', {
        event: 'test/order.paid',
        timeout: data.timeout ?? '3s',
        match: 'data.orderId',
      });
      const result = paid ? { matched: (paid.data as { amount: number }).amount } : { timedOut: true };
      await log(`wait:${data.orderId}`, result);
      return result;
    },
  );

  const sender = inngest.createFunction(
    { id: 'test-sender', triggers: [{ event: 'test/send.requested' }] },
    async ({ event, step }) => {
      const key = String((event.data as { key: string }).key);
      await step.sendEvent('emit', { name: 'test/chain.next', data: { key } });
      return { sent: true };
    },
  );

  const chained = inngest.createFunction(
    { id: 'test-chained', triggers: [{ event: 'test/chain.next' }] },
    async ({ event, step }) => {
      const key = String((event.data as { key: string }).key);
      await step.run('record', () => log(`chain:${key}`, 'received'));
    },
  );

  const overlapCheck = async (list: string, key: string) => {
    const start = Date.now();
    await realSleep(150);
    await log(`${list}:${key}`, { start, end: Date.now() });
  };

  const singleton = inngest.createFunction(
    { id: 'test-singleton', singleton: { mode: 'skip' }, triggers: [{ event: 'test/single.requested' }] },
    async ({ event, step }) => {
      const key = String((event.data as { key: string }).key);
      await step.run('work', () => overlapCheck('single', key));
      await step.run('work-2', () => overlapCheck('single', key));
    },
  );

  const serial = inngest.createFunction(
    { id: 'test-serial', concurrency: 1, triggers: [{ event: 'test/serial.requested' }] },
    async ({ event, step }) => {
      const key = String((event.data as { key: string }).key);
      await step.run('work', () => overlapCheck('serial', key));
    },
  );

  const failing = inngest.createFunction(
    {
      id: 'test-failing',
      retries: 0,
      triggers: [{ event: 'test/fail.requested' }],
      onFailure: async ({ event, step }) => {
        const original = (event.data as { event: { data: { key: string } } }).event;
        await step.run('record-failure', () => log(`failed:${original.data.key}`, 'onFailure ran'));
      },
    },
    async ({ step }) => {
      await step.run('doomed', () => {
        throw new NonRetriableError('permanently broken');
      });
    },
  );

  // batchEvents: one run per up to 5 events of one group, or whatever a group has gathered after 1 s.
  const batched = inngest.createFunction(
    {
      id: 'test-batched',
      batchEvents: { maxSize: 5, timeout: '1s', key: 'event.data.group' },
      triggers: [{ event: 'test/batch.item' }],
    },
    async ({ events, step }) => {
      const items = events.map((e) => e.data as { group: string; n: number });
      await step.run('record', () =>
        log(
          `batch:${items[0]?.group}`,
          items.map((i) => i.n),
        ),
      );
      return { size: items.length };
    },
  );

  const cron = inngest.createFunction(
    { id: 'test-cron', triggers: [{ cron: '* * * * *' }] },
    async ({ event, step }) => {
      await step.run('record', async () => {
        const minute = Math.floor(event.ts ? event.ts / 60_000 : Date.now() / 60_000);
        await redis.incr(`wft:cron:${minute}`);
        await log('cron', minute);
      });
    },
  );

  const fns: InngestFunction.Any[] = [
    flaky,
    saga,
    sleeper,
    waiter,
    sender,
    chained,
    singleton,
    serial,
    failing,
    batched,
    cron,
  ];
  if (options.ticker) {
    fns.push(
      createTicker(inngest, {
        id: 'test-ticker',
        everyMs: 500,
        tick: (step, i) => step.run(`tick:${i}`, () => log('ticks', Date.now())),
      }),
    );
  }
  return fns;
}
