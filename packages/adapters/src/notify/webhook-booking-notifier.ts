import type { BookingNotifier, NotificationMessage } from '@concert/domain';

/**
 * Posts a Slack-compatible incoming-webhook message (`{"text": ...}`). Any non-2xx answer, timeout or network
 * error throws, so the Inngest function calling it retries with backoff. It never runs on the request path
 * (except NOTIFY_MODE=sync, which exists only to reproduce the seed's blocking notifier).
 */
export class WebhookBookingNotifier implements BookingNotifier {
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 5_000,
  ) {}

  async send(message: NotificationMessage): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: message.text }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // Drain the body so the keep-alive socket is reused.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`notify webhook answered ${response.status}`);
  }
}

/** NOTIFY_WEBHOOK_URL unset: the notice only goes to the log. */
export class LogBookingNotifier implements BookingNotifier {
  constructor(private readonly log: (line: string) => void = (line) => console.info(line)) {}

  async send(message: NotificationMessage): Promise<void> {
    this.log(`notify: ${message.text}`);
  }
}
