import { err, ok, type Result } from '../../shared';
import { type PaymentView, toPaymentView } from '../payment.entity';
import { type PaymentNotFound, type PaymentNotOwner, paymentNotFound, paymentNotOwner } from '../payment.errors';
import type { PaymentStore } from '../ports/payment-store.port';

/** `payment.status`: the user's own payment only. */
export function createGetPaymentStatus(deps: { store: PaymentStore }) {
  return async (input: {
    userId: number;
    paymentId: number;
  }): Promise<Result<PaymentView, PaymentNotFound | PaymentNotOwner>> => {
    const payment = await deps.store.findById(input.paymentId);
    if (!payment) return err(paymentNotFound(input.paymentId));
    if (payment.userId !== input.userId) return err(paymentNotOwner(`Payment ${input.paymentId}`));
    return ok(toPaymentView(payment));
  };
}

export type GetPaymentStatus = ReturnType<typeof createGetPaymentStatus>;
