import type { Clock } from '../../shared';
import type { PaymentStore } from '../ports/payment-store.port';
import type { PaymentSaga } from './payment-saga.use-case';

export interface ReconcileReport {
  readonly checked: number;
  readonly completed: number;
  readonly failed: number;
  readonly stillPending: number;
  readonly errors: number;
}

export interface StalePaymentOptions {
  /** A PENDING payment whose row has not moved for this long is stale (default 2 minutes). */
  readonly staleAfterMs?: number;
  /** Most payments per pass (default 50); the next pass takes the rest. */
  readonly batchSize?: number;
}

/** Payments left PENDING too long, oldest first, as plain JSON (a workflow step's result). */
export function createFindStalePayments(deps: { store: PaymentStore; clock: Clock } & StalePaymentOptions) {
  const staleAfterMs = deps.staleAfterMs ?? 120_000;
  const batchSize = deps.batchSize ?? 50;
  return async (): Promise<Array<{ paymentId: number }>> => {
    const before = new Date(deps.clock.now().getTime() - staleAfterMs);
    const ids = await deps.store.findStalePending(before, batchSize);
    return ids.map((paymentId) => ({ paymentId }));
  };
}

export type FindStalePayments = ReturnType<typeof createFindStalePayments>;

/**
 * Finishes or compensates payments left PENDING (a crashed process, a lost event, Inngest unreachable): any
 * payment whose row has not moved for `staleAfterMs` is driven to its end in this process. Safe alongside a live
 * run of the same payment, because every stage is guarded by the payment's row lock and step.
 */
export function createReconcilePayments(
  deps: {
    store: PaymentStore;
    saga: PaymentSaga;
    clock: Clock;
    onError?: (paymentId: number, error: unknown) => void;
  } & StalePaymentOptions,
) {
  const findStale = createFindStalePayments(deps);
  return async (): Promise<ReconcileReport> => {
    const stale = await findStale();
    let completed = 0;
    let failed = 0;
    let stillPending = 0;
    let errors = 0;
    for (const { paymentId } of stale) {
      try {
        const end = await deps.saga.drive(paymentId);
        if (end?.status === 'COMPLETED') completed++;
        else if (end?.status === 'FAILED') failed++;
        else stillPending++;
      } catch (error) {
        // One broken payment must not stop the others; it stays PENDING and is tried again next time.
        errors++;
        deps.onError?.(paymentId, error);
      }
    }
    return { checked: stale.length, completed, failed, stillPending, errors };
  };
}

export type ReconcilePayments = ReturnType<typeof createReconcilePayments>;
