import { InngestTestEngine } from '@inngest/test';
import { describe, expect, it } from 'vitest';
import { createInngest } from './client';
import { LocalInngestTransport } from './local-runner/transport';
import { createReconciler } from './reconciler';
import { createWorkflowTestFunctions } from './testing/test-functions';

const inngest = createInngest({ mode: 'local', fetch: new LocalInngestTransport().fetch });

/** `@inngest/test` happy paths: the function bodies on their own, no runner, no Redis. */
describe('reconciler pattern', () => {
  it('finds stuck items and fixes each in its own memoized step', async () => {
    const fixed: number[] = [];
    const fn = createReconciler(inngest, {
      id: 'test-reconciler',
      find: async () => [{ id: 1 }, { id: 2 }],
      key: (item) => item.id,
      fix: async (item) => {
        fixed.push(item.id);
      },
    });
    const t = new InngestTestEngine({ function: fn, events: [{ name: 'inngest/scheduled.timer', data: {} }] });
    const { result } = await t.execute();
    expect(result).toEqual({ found: 2, fixed: 2, failed: 0 });
    expect(fixed).toEqual([1, 2]);
  });

  it('is a once-a-minute singleton cron by default', () => {
    const fn = createReconciler(inngest, { id: 'r', find: async () => [], key: () => 1, fix: async () => {} });
    expect(fn.opts).toMatchObject({ singleton: { mode: 'skip' }, triggers: [{ cron: '* * * * *' }] });
  });
});

describe('workflow test function set (happy paths)', () => {
  const store = new Map<string, string[]>();
  const fakeRedis = {
    rpush: async (key: string, value: string) => {
      store.set(key, [...(store.get(key) ?? []), value]);
      return store.get(key)?.length ?? 0;
    },
    incr: async () => 3,
  };
  const fns = createWorkflowTestFunctions(inngest, fakeRedis as never);
  const byId = (id: string) => fns.find((f) => f.id() === id) as (typeof fns)[number];

  it('flaky step succeeds on its third attempt', async () => {
    const t = new InngestTestEngine({
      function: byId('test-flaky'),
      events: [{ name: 'test/flaky.requested', data: { key: 'u' } }],
    });
    const { result } = await t.execute();
    expect(result).toEqual({ value: 'ok after 3' });
  });

  it('sender emits the chained event', async () => {
    const t = new InngestTestEngine({
      function: byId('test-sender'),
      events: [{ name: 'test/send.requested', data: { key: 'k' } }],
      steps: [{ id: 'emit', handler: () => ({ ids: ['x'] }) }],
    });
    const { result } = await t.execute();
    expect(result).toEqual({ sent: true });
  });
});
