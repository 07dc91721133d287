import type { GatewayCharge, GatewayOutcome, PaymentGateway } from '@concert/domain';

export interface HttpGatewayOptions {
  /** PAYMENT_GATEWAY_URL, e.g. `http://gateway.internal:8080` (no trailing slash needed). */
  readonly baseUrl: string;
  /** Per call; a call that takes longer counts as UNAVAILABLE (the saga retries, then compensates). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/**
 * An external gateway over HTTP (JSON):
 * - `POST {base}/charges` `{idempotencyKey, amount, userId}` -> 2xx `{status: "APPROVED", reference}` |
 *   2xx `{status: "DECLINED", reason?}` | 402 (declined). Any other 4xx is a declined charge too (the gateway
 *   refused it for good); 5xx, a timeout or a network error is UNAVAILABLE.
 * - `POST {base}/charges/{idempotencyKey}/void` -> 2xx, or 404 (nothing charged under that key): done.
 * The gateway must treat the idempotency key as real gateways do: one charge per key, same answer on repeats.
 */
export class HttpPaymentGateway implements PaymentGateway {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: HttpGatewayOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  private post(path: string, body: unknown): Promise<Response> {
    return this.fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }

  async charge(request: GatewayCharge): Promise<GatewayOutcome> {
    let response: Response;
    try {
      response = await this.post('/charges', {
        idempotencyKey: request.key,
        amount: request.amount,
        userId: request.userId,
      });
    } catch (error) {
      return { outcome: 'UNAVAILABLE', reason: (error as Error).message };
    }
    if (response.status >= 500) return { outcome: 'UNAVAILABLE', reason: `HTTP ${response.status}` };
    if (response.status >= 400) return { outcome: 'DECLINED', reason: `HTTP ${response.status}` };
    const body = (await response.json().catch(() => null)) as {
      status?: string;
      reference?: string;
      reason?: string;
    } | null;
    if (body?.status === 'APPROVED' && typeof body.reference === 'string')
      return { outcome: 'APPROVED', reference: body.reference };
    if (body?.status === 'DECLINED') return { outcome: 'DECLINED', reason: body.reason ?? 'declined' };
    return { outcome: 'UNAVAILABLE', reason: 'unreadable gateway answer' };
  }

  async void(key: string): Promise<boolean> {
    try {
      const response = await this.post(`/charges/${encodeURIComponent(key)}/void`, {});
      return response.ok || response.status === 404;
    } catch {
      return false;
    }
  }
}
