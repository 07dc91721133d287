import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebhookSimulator } from '@concert/adapters';

/** Posts received, those answered 2xx, and the distinct reservations (`#<id>,` in the text) among those. */
export interface NoticeCounts {
  readonly received: number;
  readonly delivered: number;
  readonly distinct: number;
}

/**
 * The hold bench's webhook simulator (the seed's 200 ms Slack call) in a process of its own, started at nice 10.
 * It stands in for Slack, which is never on the API's host. In the bench's own process it had competed with the
 * API at full priority (500 requests/s, their JSON, their timers), and its heap (every message is kept, for the
 * count of distinct notices) lengthened the generator's scavenges, which count against the latency it measures.
 */
export interface WebhookProcess {
  readonly url: string;
  stats(): Promise<NoticeCounts>;
  close(): Promise<void>;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const SELF = fileURLToPath(import.meta.url);
const NICE = 10;

export function startWebhookProcess(latencyMs: number): Promise<WebhookProcess> {
  // nice(1) execs node, so every thread the process starts has the lower priority.
  const child = spawn('nice', ['-n', String(NICE), process.execPath, '--import', 'tsx', SELF], {
    cwd: ROOT,
    env: { ...process.env, WEBHOOK_PROCESS_LATENCY_MS: String(latencyMs) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const pending = new Map<number, (stats: NoticeCounts) => void>();
  return new Promise((ready, fail) => {
    child.once('exit', (code) => fail(new Error(`webhook process exited (${code}) before it was ready`)));
    child.once('error', fail);
    child.on('message', (message: { url?: string; id?: number; stats?: NoticeCounts }) => {
      if (message.url) {
        child.removeAllListeners('exit');
        ready({
          url: message.url,
          stats: () =>
            new Promise((answer) => {
              const id = ++nextId;
              pending.set(id, answer);
              child.send({ id });
            }),
          close: () =>
            new Promise((closed) => {
              if (child.exitCode !== null) return closed();
              child.once('exit', () => closed());
              child.kill('SIGTERM');
            }),
        });
      } else if (message.id !== undefined && message.stats) {
        pending.get(message.id)?.(message.stats);
        pending.delete(message.id);
      }
    });
  });
}

/** The child: the simulator, answering the parent's stats requests over IPC. */
async function serve(): Promise<void> {
  const webhook = await startWebhookSimulator({ latencyMs: Number(process.env.WEBHOOK_PROCESS_LATENCY_MS) });
  process.on('message', (message: { id: number }) => {
    const delivered = webhook.delivered();
    const distinct = new Set(delivered.map((m) => /#(\d+),/.exec(m.text ?? '')?.[1])).size;
    process.send?.({
      id: message.id,
      stats: { received: webhook.received.length, delivered: delivered.length, distinct },
    });
  });
  process.on('SIGTERM', () => void webhook.close().then(() => process.exit(0)));
  process.on('disconnect', () => process.exit(0));
  process.send?.({ url: webhook.url });
}

if (process.env.WEBHOOK_PROCESS_LATENCY_MS !== undefined && process.send) void serve();
