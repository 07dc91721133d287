import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NonRetriableError } from 'inngest';
import { describe, expect, it } from 'vitest';
import { createInngest } from '../client';
import { createInngestHandler } from '../serve';
import { functionConfigs } from './local-runner';
import { LocalInngestTransport } from './transport';

/**
 * Guards the SDK behaviour the local runner relies on. If this fails after an SDK upgrade, re-read
 * docs/workflows.md ("Protocol the runner relies on") and the SDK source before changing the expectations.
 */
const RUNNER_TESTED_WITH = '4.24.0';

const checkpoints: unknown[] = [];
const transport = new LocalInngestTransport();
transport.attach({
  ingest: async (events) => events.map((_, i) => `id-${i}`),
  checkpoint: async (_r, s) => void checkpoints.push(...s),
});
const inngest = createInngest({ mode: 'local', fetch: transport.fetch });
const fn = inngest.createFunction(
  { id: 'proto', retries: 2, concurrency: 1, triggers: [{ event: 'proto/go' }], onFailure: async () => {} },
  async ({ step }) => {
    const a = (await step.run('a', () => 1)) as number;
    await step.sleepUntil('nap', new Date('2030-01-01T00:00:00.000Z'));
    const e = await step.waitForEvent('wait', { event: 'proto/paid', timeout: '5s', match: 'data.id' });
    await step.run('fails', () => {
      throw new Error('boom');
    });
    return { a, e };
  },
);
const broken = inngest.createFunction({ id: 'broken', retries: 0, triggers: [{ event: 'proto/x' }] }, async () => {
  throw new NonRetriableError('never');
});
const handler = createInngestHandler(inngest, [fn, broken]);
const event = { name: 'proto/go', data: { id: 7 }, id: 'e1', ts: 1 };
const hash = (id: string) => createHash('sha1').update(id).digest('hex');

function installedSdkVersion(): string {
  // The package's exports hide package.json; read it next to the resolved entry point.
  const entry = fileURLToPath(import.meta.resolve('inngest'));
  return (JSON.parse(readFileSync(join(dirname(entry), 'package.json'), 'utf8')) as { version: string }).version;
}

async function call(fnId: string, steps: Record<string, unknown>, ctx: Record<string, unknown> = {}) {
  const res = await handler(
    new Request(`http://127.0.0.1/api/inngest?fnId=${fnId}&stepId=step`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', host: '127.0.0.1' },
      body: JSON.stringify({
        event,
        events: [event],
        steps,
        ctx: { run_id: 'r1', attempt: 0, max_attempts: 3, ...ctx },
      }),
    }),
  );
  return { status: res.status, noRetry: res.headers.get('x-inngest-no-retry'), body: JSON.parse(await res.text()) };
}

describe('Inngest SDK protocol the local runner relies on', () => {
  it('is the SDK version the runner was written against', () => {
    expect(installedSdkVersion()).toBe(RUNNER_TESTED_WITH);
  });

  it('exposes function configs (ids, triggers, retries, flow control, onFailure)', () => {
    const configs = functionConfigs(fn, inngest.id);
    expect(configs.map((c) => c.id)).toEqual(['concert-reservation-proto', 'concert-reservation-proto-failure']);
    expect(configs[0]).toMatchObject({ maxAttempts: 3, concurrency: { limit: 1 }, triggers: [{ event: 'proto/go' }] });
    expect(configs[1]?.triggers[0]).toEqual({
      event: 'inngest/function.failed',
      expression: "event.data.function_id == 'concert-reservation-proto'",
    });
  });

  it('answers 206 [StepRun] for a new step, with its hashed id', async () => {
    const r = await call('concert-reservation-proto', {});
    expect(r.status).toBe(206);
    expect(r.body).toHaveLength(1);
    expect(r.body[0]).toMatchObject({ op: 'StepRun', id: hash('a'), data: 1 });
  });

  it('checkpoints steps through the API fetch when ctx has fn_id and qi_id', async () => {
    checkpoints.length = 0;
    const r = await call('concert-reservation-proto', {}, { fn_id: 'f', qi_id: 'q' });
    expect(checkpoints[0]).toMatchObject({ op: 'StepRun', id: hash('a'), data: 1 });
    expect(r.status).toBe(206);
    expect(r.body[0]).toMatchObject({ op: 'Sleep', id: hash('nap'), name: '2030-01-01T00:00:00.000Z' });
  });

  it('answers Sleep and WaitForEvent ops with their parameters', async () => {
    const sleep = await call('concert-reservation-proto', { [hash('a')]: { data: 1 } });
    expect(sleep.body[0]).toMatchObject({ op: 'Sleep', name: '2030-01-01T00:00:00.000Z' });
    const wait = await call('concert-reservation-proto', { [hash('a')]: { data: 1 }, [hash('nap')]: { data: null } });
    expect(wait.body[0]).toMatchObject({
      op: 'WaitForEvent',
      id: hash('wait'),
      name: 'proto/paid',
      opts: { timeout: '5s', if: 'event.data.id == async.data.id' },
    });
  });

  it('reports StepError before the last attempt and StepFailed on it', async () => {
    const done = { [hash('a')]: { data: 1 }, [hash('nap')]: { data: null }, [hash('wait')]: { data: null } };
    const first = await call('concert-reservation-proto', done, { attempt: 0 });
    expect(first.status).toBe(206);
    expect(first.body[0]).toMatchObject({ op: 'StepError', id: hash('fails') });
    const last = await call('concert-reservation-proto', done, { attempt: 2 });
    expect(last.body[0]).toMatchObject({ op: 'StepFailed', id: hash('fails'), error: { message: 'boom' } });
    const after = await call('concert-reservation-proto', {
      ...done,
      [hash('fails')]: { error: { name: 'Error', message: 'boom' } },
    });
    expect(after.status).toBe(400);
    expect(after.noRetry).toBe('true');
  });

  it('answers 200 with the output when the function returns, and 400 no-retry on NonRetriableError', async () => {
    const ok = await call('concert-reservation-proto-failure', {}, {});
    expect([200, 206]).toContain(ok.status);
    const broken = await call('concert-reservation-broken', {});
    expect(broken.status).toBe(400);
    expect(broken.noRetry).toBe('true');
  });
});
