'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useCallback, useMemo, useState } from 'react';
import { concertByIdInput } from '../../lib/concert-by-id';
import { formatClock, formatDateRange } from '../../lib/format';
import { setSession, useHydrated, useSession } from '../../lib/session-store';
import { useTRPC } from '../../lib/trpc';
import { useNow } from '../../lib/use-now';
import { useQueuePass } from '../../lib/use-queue-pass';
import { ErrorNote } from '../error-note';
import { MyHolds } from './my-holds';
import { SeatPicker } from './seat-picker';
import { SignInCard } from './sign-in-card';
import { WaitingRoom } from './waiting-room';
import { WalletCard } from './wallet-card';

/** Title, artist and venue of this concert. */
function useConcertHeader(concertId: number) {
  const trpc = useTRPC();
  const query = useQuery(trpc.catalog.concerts.queryOptions(concertByIdInput(concertId), { staleTime: 60_000 }));
  const concert = query.data?.items[0];
  return concert && concert.concertId === concertId ? concert : null;
}

export function BookingPage({ concertId }: { concertId: number }) {
  const hydrated = useHydrated();
  const session = useSession();
  const concert = useConcertHeader(concertId);
  const queue = useQueuePass(concertId, session !== null);
  const [booked, setBooked] = useState(false);
  const onPaid = useCallback(() => setBooked(true), []);

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <Link href="/" className="small">
            ← All concerts
          </Link>
          <h1 data-testid="concert-title">{concert?.title ?? `Concert #${concertId}`}</h1>
          {concert ? (
            <p className="subtle" style={{ margin: 0 }}>
              <strong style={{ color: 'var(--accent)' }}>{concert.artist}</strong> · {concert.venue} ·{' '}
              {formatDateRange(concert.firstDate, concert.lastDate)}
            </p>
          ) : null}
        </div>
        {session ? (
          <div className="row small">
            <span className="subtle" data-testid="signed-in-as">
              Signed in as user <strong>{session.userId}</strong>
            </span>
            <button
              type="button"
              className="btn btn-sm"
              onClick={async () => {
                // Give the place back (best effort) before the session that owns it goes away.
                await queue.leave();
                setSession(null);
              }}
            >
              Sign out
            </button>
          </div>
        ) : null}
      </div>

      {!hydrated ? (
        <p className="empty">Loading…</p>
      ) : !session ? (
        <SignInCard />
      ) : (
        <SignedIn concertId={concertId} queue={queue} booked={booked} onPaid={onPaid} />
      )}
    </div>
  );
}

function SignedIn({
  concertId,
  queue,
  booked,
  onPaid,
}: {
  concertId: number;
  queue: ReturnType<typeof useQueuePass>;
  booked: boolean;
  onPaid: () => void;
}) {
  const trpc = useTRPC();
  const now = useNow(1_000);
  const status = queue.view?.status ?? null;
  // Holds made while ACTIVE stay visible (and releasable) even after the pass ends.
  const mine = useQuery(trpc.reservation.mine.queryOptions({}, { refetchInterval: 15_000 }));
  const heldSeatIds = useMemo(
    () =>
      new Set(
        (mine.data?.items ?? []).filter((r) => r.status === 'HELD' || r.status === 'CONFIRMED').map((r) => r.seatId),
      ),
    [mine.data],
  );

  const activeLeft = queue.view?.activeUntil ? (new Date(queue.view.activeUntil).getTime() - now) / 1000 : null;

  return (
    <div className="layout-2">
      <div className="stack">
        {booked ? (
          <div className="note note-ok" role="status" data-testid="booking-complete">
            Booking complete. Enjoy the show! Your place in line has been handed to the next person.
          </div>
        ) : null}
        <ErrorNote error={queue.error} />

        {!queue.token ? (
          <section className="card waiting" data-testid="join-queue">
            <h2>Tickets are sold through a waiting room</h2>
            <p className="subtle">
              Join the line; when it is your turn you get a few minutes to pick and pay for your seats.
            </p>
            <button type="button" className="btn btn-primary btn-lg" onClick={queue.join} disabled={queue.joining}>
              {queue.joining ? 'Joining…' : 'Join the waiting room'}
            </button>
          </section>
        ) : status === null || status === 'WAITING' ? (
          <WaitingRoom view={queue.view} startPosition={queue.startPosition} onLeave={queue.leave} />
        ) : status === 'ACTIVE' ? (
          <>
            <div className="note note-ok spread" data-testid="queue-active" role="status">
              <span>
                <span className="pulse" />
                It is your turn. Pick your seats
                {activeLeft !== null ? (
                  <>
                    {' '}
                    within <strong className="countdown">{formatClock(activeLeft)}</strong>
                  </>
                ) : null}
                .
              </span>
              <button type="button" className="btn btn-sm" onClick={queue.leave}>
                Leave
              </button>
            </div>
            <SeatPicker
              concertId={concertId}
              queueToken={queue.token}
              heldSeatIds={heldSeatIds}
              onQueueProblem={queue.recheck}
            />
          </>
        ) : status === 'SOLD_OUT' ? (
          <section className="card waiting" data-testid="queue-sold-out">
            <h2>Sold out</h2>
            <p className="subtle">Every seat of this concert has been sold.</p>
            <button type="button" className="btn" onClick={queue.forget}>
              OK
            </button>
          </section>
        ) : (
          <section className="card waiting" data-testid="queue-expired">
            <h2>Your turn has ended</h2>
            <p className="subtle">Your waiting-room pass is no longer valid. You can join the line again.</p>
            <button type="button" className="btn btn-primary" onClick={queue.join} disabled={queue.joining}>
              Join again
            </button>
          </section>
        )}
      </div>

      <aside className="stack">
        <MyHolds concertId={concertId} queueToken={status === 'ACTIVE' ? queue.token : null} onPaid={onPaid} />
        <WalletCard />
      </aside>
    </div>
  );
}
