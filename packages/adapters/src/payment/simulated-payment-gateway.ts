import type { GatewayCharge, GatewayOutcome, PaymentGateway } from '@concert/domain';

export interface SimulatedGatewayOptions {
  /** Delay of every call (PAYMENT_GATEWAY_LATENCY_MS). */
  readonly latencyMs: number;
  /** Share of charges declined, 0..1 (PAYMENT_GATEWAY_FAILURE_RATE). */
  readonly failureRate: number;
}

/** FNV-1a of the key, as a number in [0, 1): the same key always lands in the same place. */
function unitHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 0x1_0000_0000;
}

/**
 * The built-in gateway (no PAYMENT_GATEWAY_URL): answers after `latencyMs`, declining `failureRate` of charges.
 * Like a real gateway with idempotency keys, the decision is a function of the key, so a retried or duplicated
 * call for one payment always gets the same answer, in every process.
 */
export class SimulatedPaymentGateway implements PaymentGateway {
  constructor(private readonly options: SimulatedGatewayOptions) {}

  private wait(): Promise<void> {
    return this.options.latencyMs > 0
      ? new Promise((resolve) => setTimeout(resolve, this.options.latencyMs))
      : Promise.resolve();
  }

  async charge(request: GatewayCharge): Promise<GatewayOutcome> {
    await this.wait();
    if (this.options.failureRate > 0 && unitHash(request.key) < this.options.failureRate)
      return { outcome: 'DECLINED', reason: 'simulated decline' };
    return { outcome: 'APPROVED', reference: `sim-${request.key}` };
  }

  async void(_key: string): Promise<boolean> {
    await this.wait();
    return true;
  }
}
