export type GatewayOutcome =
  | { readonly outcome: 'APPROVED'; readonly reference: string }
  | { readonly outcome: 'DECLINED'; readonly reason?: string }
  /** Could not get an answer (timeout, network, 5xx): the charge may or may not have happened. */
  | { readonly outcome: 'UNAVAILABLE'; readonly reason?: string };

export interface GatewayCharge {
  /** Idempotency key: repeats with the same key get the same decision and charge at most once. */
  readonly key: string;
  readonly amount: number;
  readonly userId: number;
}

/** The external payment gateway. Never called inside a database transaction. Expected outcomes never throw. */
export interface PaymentGateway {
  charge(request: GatewayCharge): Promise<GatewayOutcome>;
  /** Cancels whatever was charged under `key` (nothing charged is fine). Idempotent; false if it got no answer. */
  void(key: string): Promise<boolean>;
}
