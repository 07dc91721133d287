'use client';

import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { formatClock, formatWon, newIdempotencyKey } from '../../lib/format';
import type { ReservationView } from '../../lib/router-types';
import { seatLabel } from '../../lib/seat-labels';
import { useTRPC } from '../../lib/trpc';
import { useNow } from '../../lib/use-now';
import { ErrorNote } from '../error-note';

/** How often a PENDING payment is re-read; payment.status is a cheap indexed lookup. */
const PAYMENT_POLL_MS = 1_000;

/** One hold: countdown to expiresAt, release, and pay (then follow the payment to COMPLETED or FAILED). */
function HoldItem({
  hold,
  queueToken,
  now,
  onPaid,
}: {
  hold: ReservationView;
  queueToken: string | null;
  now: number;
  onPaid: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const release = useMutation(trpc.reservation.release.mutationOptions());
  // payment.pay is S+Q: it carries the concert's waiting-room pass.
  const pay = useMutation(trpc.payment.pay.mutationOptions({ trpc: { context: { queueToken } } }));
  const [paymentId, setPaymentId] = useState<number | null>(null);

  const payment = useQuery(
    trpc.payment.status.queryOptions(paymentId !== null ? { paymentId } : skipToken, {
      staleTime: 0,
      refetchInterval: (query) => (query.state.data?.status === 'PENDING' ? PAYMENT_POLL_MS : false),
    }),
  );
  const paymentStatus = payment.data?.status;

  useEffect(() => {
    if (paymentStatus === 'COMPLETED' || paymentStatus === 'FAILED') {
      void queryClient.invalidateQueries(trpc.reservation.mine.pathFilter());
      void queryClient.invalidateQueries(trpc.wallet.balance.pathFilter());
      if (paymentStatus === 'COMPLETED') onPaid();
    }
  }, [paymentStatus, queryClient, onPaid, trpc]);

  const secondsLeft = Math.max(0, (new Date(hold.expiresAt).getTime() - now) / 1000);
  const held = hold.status === 'HELD';
  const expired = held && secondsLeft <= 0;
  const paying = pay.isPending || paymentStatus === 'PENDING';

  return (
    <li className="hold" data-testid="hold-item" data-status={hold.status}>
      <div className="spread">
        <strong className="small">{seatLabel(hold.seatId)}</strong>
        <span className={`badge ${held ? 'badge-warn' : hold.status === 'CONFIRMED' ? 'badge-ok' : ''}`}>
          {hold.status === 'CONFIRMED' ? 'PAID' : hold.status}
        </span>
      </div>
      <div className="spread small">
        <span>{formatWon(hold.amount)}</span>
        {held ? (
          <span>
            expires in{' '}
            <span className={`countdown${secondsLeft < 60 ? ' urgent' : ''}`} data-testid="hold-countdown">
              {formatClock(secondsLeft)}
            </span>
          </span>
        ) : null}
      </div>
      {held && !expired ? (
        <div className="row">
          <button
            type="button"
            className="btn btn-primary btn-sm"
            disabled={paying || !queueToken}
            title={queueToken ? undefined : 'You need an active waiting-room pass to pay'}
            onClick={() => {
              // A fresh key per attempt: a retry after FAILED is a new payment, a double click is not.
              pay.mutate(
                { reservationId: hold.reservationId, idempotencyKey: newIdempotencyKey('pay') },
                { onSuccess: (res) => setPaymentId(res.paymentId) },
              );
            }}
          >
            {paying ? 'Paying…' : 'Pay'}
          </button>
          <button
            type="button"
            className="btn btn-sm btn-danger"
            disabled={paying || release.isPending}
            onClick={() =>
              release.mutate(
                { reservationId: hold.reservationId },
                {
                  onSuccess: () => {
                    void queryClient.invalidateQueries(trpc.reservation.mine.pathFilter());
                    void queryClient.invalidateQueries(trpc.catalog.availableSeats.pathFilter());
                    void queryClient.invalidateQueries(trpc.catalog.sections.pathFilter());
                  },
                },
              )
            }
          >
            Release
          </button>
        </div>
      ) : null}
      {paymentStatus === 'PENDING' ? <p className="subtle small">Payment in progress…</p> : null}
      {paymentStatus === 'FAILED' ? (
        <div className="note note-error small" role="alert" data-testid="payment-failed">
          Payment failed
          {payment.data?.failureReason ? `: ${payment.data.failureReason.replaceAll('_', ' ').toLowerCase()}` : ''}. No
          money was kept.
          {payment.data?.failureReason ? <code className="code-tag">{payment.data.failureReason}</code> : null}
        </div>
      ) : null}
      {paymentStatus === 'COMPLETED' ? (
        <div className="note note-ok small" role="status" data-testid="payment-completed">
          Paid. Your seat is confirmed.
        </div>
      ) : null}
      <ErrorNote error={pay.error ?? release.error ?? payment.error} />
    </li>
  );
}

export function MyHolds({
  concertId,
  queueToken,
  onPaid,
}: {
  concertId: number;
  queueToken: string | null;
  onPaid: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(1_000);
  const mine = useQuery(trpc.reservation.mine.queryOptions({}, { refetchInterval: 15_000 }));
  const items = (mine.data?.items ?? []).filter(
    (r) => r.concertId === concertId && (r.status === 'HELD' || r.status === 'CONFIRMED'),
  );

  // A hold that ran out locally: ask the server for the truth once it should have expired.
  const nextExpiry = Math.min(
    ...items.filter((r) => r.status === 'HELD').map((r) => new Date(r.expiresAt).getTime()),
    Number.POSITIVE_INFINITY,
  );
  const ranOut = Number.isFinite(nextExpiry) && now > nextExpiry + 1_000;
  useEffect(() => {
    if (ranOut) void queryClient.invalidateQueries(trpc.reservation.mine.pathFilter());
  }, [ranOut, queryClient, trpc]);

  return (
    <section className="card stack" data-testid="my-holds">
      <h2>My seats</h2>
      <ErrorNote error={mine.error} />
      {mine.isPending ? <p className="subtle small">Loading…</p> : null}
      {mine.data && items.length === 0 ? (
        <p className="subtle small" style={{ margin: 0 }}>
          No seats held yet. Pick one on the map.
        </p>
      ) : null}
      <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0, gap: 10 }}>
        {items.map((hold) => (
          <HoldItem key={hold.reservationId} hold={hold} queueToken={queueToken} now={now} onPaid={onPaid} />
        ))}
      </ul>
    </section>
  );
}
