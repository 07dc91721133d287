import type { BookingNotifier, NotificationMessage } from '@concert/domain';
import { Pool } from 'undici';

/**
 * Posts a Slack-compatible incoming-webhook message (`{"text": ...}`). Any non-2xx answer, timeout or network
 * error throws, so the Inngest function calling it retries with backoff. It never runs on the request path
 * (except NOTIFY_MODE=sync, which exists only to reproduce the seed's blocking notifier).
 *
 * One notice per hold makes this the API's busiest HTTP client: it uses an undici connection pool rather than
 * the global `fetch`, whose WHATWG machinery (Request, streams, AbortSignal) was a fifth of the API's CPU at 400
 * holds/s in a profile.
 */
export class WebhookBookingNotifier implements BookingNotifier {
  private readonly pool: Pool;
  private readonly path: string;

  constructor(
    url: string,
    private readonly timeoutMs = 5_000,
  ) {
    const target = new URL(url);
    // No connection cap (as `fetch`): at 500 holds/s a 200 ms webhook needs ~100 requests in flight, and a request
    // queued behind a cap would time out unsent, or worse, sent, and then be posted again by the retry.
    this.pool = new Pool(target.origin);
    this.path = `${target.pathname}${target.search}`;
  }

  async send(message: NotificationMessage): Promise<void> {
    // Bounds the whole call (undici's own header/body timeouts are coarse, about a second). Not
    // `AbortSignal.timeout`: its timer outlives the call and fires anyway, building a DOMException, for every notice.
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new Error(`notify webhook timed out after ${this.timeoutMs} ms`)),
      this.timeoutMs,
    );
    try {
      const response = await this.pool.request({
        path: this.path,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: message.text }),
        signal: controller.signal,
      });
      // Drain the body so the keep-alive socket is reused.
      await response.body.dump();
      if (response.statusCode < 200 || response.statusCode > 299) {
        throw new Error(`notify webhook answered ${response.statusCode}`);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the pooled connections (container.close). */
  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** NOTIFY_WEBHOOK_URL unset: the notice only goes to the log. */
export class LogBookingNotifier implements BookingNotifier {
  constructor(private readonly log: (line: string) => void = (line) => console.info(line)) {}

  async send(message: NotificationMessage): Promise<void> {
    this.log(`notify: ${message.text}`);
  }
}
