import { type FindStalePayments, isTerminal, type PaymentSaga, type SagaStage, stageFor } from '@concert/domain';
import type { AppInngest } from '../inngest/client';
import { readEvent } from '../inngest/events';
import { createReconciler } from '../inngest/reconciler';

/**
 * The payment saga as an Inngest function: one durable step per stage (debit, gateway, confirm-seat, complete
 * or compensate), so a crash resumes after the last finished stage and no step waits on another's transaction.
 * Which stages run is read from the payment row, not assumed: a duplicate event, or a run started after the
 * reconciler moved the payment on, just follows the row. Stage bodies are idempotent, so retries are safe.
 * `concurrency` keeps runs of one payment in line when a server enforces it; the row locks guarantee it anyway.
 */
export function createPaymentSagaFunction(inngest: AppInngest, deps: { saga: PaymentSaga }) {
  return inngest.createFunction(
    {
      id: 'payment-saga',
      retries: 5,
      triggers: [{ event: 'payment/requested' }],
      concurrency: [{ key: 'event.data.paymentId', limit: 1 }],
    },
    async ({ event, step }) => {
      const { paymentId } = readEvent('payment/requested', event);
      let state = await step.run('load', () => deps.saga.state(paymentId));
      if (!state || isTerminal(state.step)) return state;
      const ran = new Set<SagaStage>();
      for (;;) {
        const stage = stageFor(state.step);
        // A stage that returns without moving the payment means another run owns that move: stop here.
        if (!stage || ran.has(stage)) break;
        ran.add(stage);
        state = await step.run(stage, () => deps.saga.runStage(stage, paymentId));
      }
      // Only the run whose stage made the final move announces it: duplicate events do not notify twice.
      if (state.transitioned && isTerminal(state.step)) await step.run('announce', () => deps.saga.announce(paymentId));
      return state;
    },
  );
}

/**
 * The safety net (the shared reconciler pattern: singleton cron, one memoised step per item): every minute,
 * drive to its end any payment left PENDING too long (crash, lost event, Inngest unreachable when it was
 * requested). Safe next to live runs: every stage is guarded by the payment's row lock and step.
 */
export function createPaymentReconcilerFunction(
  inngest: AppInngest,
  deps: { findStale: FindStalePayments; saga: PaymentSaga; cron?: string },
) {
  return createReconciler(inngest, {
    id: 'payment-reconciler',
    ...(deps.cron ? { cron: deps.cron } : {}),
    find: () => deps.findStale(),
    key: (item) => item.paymentId,
    fix: (item) => deps.saga.drive(item.paymentId),
  });
}
