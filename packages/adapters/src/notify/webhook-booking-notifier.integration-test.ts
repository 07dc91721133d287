import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogBookingNotifier, WebhookBookingNotifier } from './webhook-booking-notifier';
import { startWebhookSimulator, type WebhookSimulator } from './webhook-simulator';

let sim: WebhookSimulator;

beforeAll(async () => {
  sim = await startWebhookSimulator({ latencyMs: 0 });
});
afterAll(async () => {
  await sim.close();
});

describe('WebhookBookingNotifier against the webhook simulator (127.0.0.1)', () => {
  it('posts a Slack-compatible {text} body', async () => {
    await new WebhookBookingNotifier(sim.url).send({ text: 'hello :ticket:' });
    expect(sim.delivered()).toEqual([{ text: 'hello :ticket:', status: 200 }]);
  });

  it('throws on a non-2xx answer, so the workflow retries', async () => {
    sim.configure({ status: 500 });
    await expect(new WebhookBookingNotifier(sim.url).send({ text: 'x' })).rejects.toThrow(/500/);
    sim.configure({ status: 200 });
    expect(sim.received.at(-1)).toEqual({ text: 'x', status: 500 });
  });

  it('throws when the webhook is slower than its timeout', async () => {
    sim.configure({ latencyMs: 300 });
    await expect(new WebhookBookingNotifier(sim.url, 50).send({ text: 'slow' })).rejects.toThrow();
    sim.configure({ latencyMs: 0 });
  });

  it('takes about latencyMs to answer (the seed’s 200 ms Slack call)', async () => {
    sim.configure({ latencyMs: 200 });
    const started = performance.now();
    await new WebhookBookingNotifier(sim.url).send({ text: 'timed' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    sim.configure({ latencyMs: 0 });
  });

  it('keeps the path and query of the webhook URL', async () => {
    const notifier = new WebhookBookingNotifier(`${sim.url}?channel=ops`);
    await notifier.send({ text: 'with query' });
    await notifier.close();
    expect(sim.received.at(-1)).toEqual({ text: 'with query', status: 200 });
  });

  it('logs only when no webhook is configured', async () => {
    const lines: string[] = [];
    await new LogBookingNotifier((l) => lines.push(l)).send({ text: 'held' });
    expect(lines).toEqual(['notify: held']);
  });
});
