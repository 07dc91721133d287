import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookSimulatorOptions {
  /** How long each answer takes: the seed's Slack call took about 200 ms. */
  readonly latencyMs?: number;
  /** HTTP status to answer with; anything but 2xx makes the notifier retry. */
  readonly status?: number;
  readonly host?: string;
  readonly port?: number;
}

export interface WebhookSimulator {
  /** Full URL to use as NOTIFY_WEBHOOK_URL. */
  readonly url: string;
  /** Every JSON body received, in arrival order, with the status it was answered with (failed ones too). */
  readonly received: Array<{ text?: string; status: number }>;
  /** The bodies answered with a 2xx: what a channel would actually show. */
  delivered(): Array<{ text?: string }>;
  /** Change behaviour while running (e.g. start failing). */
  configure(options: Pick<WebhookSimulatorOptions, 'latencyMs' | 'status'>): void;
  close(): Promise<void>;
}

/**
 * A stand-in for a Slack incoming webhook, for tests and load runs: accepts `POST {text}`, waits `latencyMs`,
 * answers `status` (200 `ok` by default, as Slack does). Listens on 127.0.0.1 and a free port unless told.
 */
export async function startWebhookSimulator(options: WebhookSimulatorOptions = {}): Promise<WebhookSimulator> {
  let latencyMs = options.latencyMs ?? 200;
  let status = options.status ?? 200;
  const received: Array<{ text?: string; status: number }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // The answer is decided on arrival, so a reconfiguration never changes what an in-flight call gets.
      const answer = status;
      let body: { text?: string } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { text?: string };
      } catch {
        // recorded as an empty message
      }
      received.push({ ...body, status: answer });
      setTimeout(() => {
        res.writeHead(answer, { 'content-type': 'text/plain' });
        res.end(answer < 300 ? 'ok' : 'error');
      }, latencyMs);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/notify`,
    received,
    delivered: () => received.filter((m) => m.status >= 200 && m.status < 300),
    configure(next) {
      if (next.latencyMs !== undefined) latencyMs = next.latencyMs;
      if (next.status !== undefined) status = next.status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
