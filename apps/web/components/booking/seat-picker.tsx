'use client';

import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError, domainCodeOf } from '../../lib/errors';
import { formatDateTime, formatNumber, formatWon } from '../../lib/format';
import type { SeatView } from '../../lib/router-types';
import { rememberSeatLabel } from '../../lib/seat-labels';
import { useTRPC } from '../../lib/trpc';
import { ErrorNote } from '../error-note';
import { SeatMap } from './seat-map';

type Notice = { kind: 'ok' | 'warn' | 'error'; text: string; code?: string | null } | null;

/** Dates -> sections -> seat map -> hold. Needs an ACTIVE queue pass (sent as x-queue-token on the hold). */
export function SeatPicker({
  concertId,
  queueToken,
  heldSeatIds,
  onQueueProblem,
}: {
  concertId: number;
  queueToken: string;
  heldSeatIds: Set<number>;
  onQueueProblem: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [scheduleId, setScheduleId] = useState<number | null>(null);
  const [sectionId, setSectionId] = useState<number | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [busySeatId, setBusySeatId] = useState<number | null>(null);

  const dates = useQuery(trpc.catalog.availableDates.queryOptions({ concertId }));
  const sections = useQuery(trpc.catalog.sections.queryOptions(scheduleId !== null ? { scheduleId } : skipToken));
  const seats = useQuery(
    trpc.catalog.availableSeats.queryOptions(
      scheduleId !== null && sectionId !== null ? { scheduleId, sectionId } : skipToken,
      { staleTime: 0 },
    ),
  );
  // The hold is S+Q: this call carries the concert's waiting-room pass.
  const hold = useMutation(trpc.reservation.hold.mutationOptions({ trpc: { context: { queueToken } } }));

  const section = sections.data?.sections.find((s) => s.sectionId === sectionId) ?? null;
  const date = dates.data?.dates.find((d) => d.scheduleId === scheduleId) ?? null;

  const refreshAvailability = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.catalog.availableSeats.pathFilter()),
      queryClient.invalidateQueries(trpc.catalog.sections.pathFilter()),
      queryClient.invalidateQueries(trpc.catalog.availableDates.pathFilter()),
    ]);

  const pick = async (seat: SeatView) => {
    setBusySeatId(seat.seatId);
    setNotice(null);
    try {
      const held = await hold.mutateAsync({ seatId: seat.seatId });
      rememberSeatLabel(
        seat.seatId,
        `${section?.name ?? 'Seat'} ${seat.row}-${seat.number}${date ? ` · ${formatDateTime(date.startsAt)}` : ''}`,
      );
      setNotice({
        kind: 'ok',
        text: `Seat ${seat.row}-${seat.number} is yours until ${new Date(held.expiresAt).toLocaleTimeString()}. Pay before the hold runs out.`,
      });
      await queryClient.invalidateQueries(trpc.reservation.mine.pathFilter());
    } catch (error) {
      const { code, message } = describeError(error);
      if (code === 'SEAT_UNAVAILABLE') {
        setNotice({
          kind: 'warn',
          text: `Seat ${seat.row}-${seat.number}: ${message} The map has been refreshed.`,
          code,
        });
      } else {
        setNotice({ kind: 'error', text: message, code });
      }
      const domain = domainCodeOf(error);
      if (domain === 'QUEUE_NOT_ACTIVE' || domain === 'QUEUE_TOKEN_INVALID') onQueueProblem();
    } finally {
      setBusySeatId(null);
      await refreshAvailability();
    }
  };

  return (
    <section className="card stack" data-testid="seat-picker">
      <div>
        <h2>1. Choose a date</h2>
        <ErrorNote error={dates.error} />
        {dates.isPending ? <p className="subtle">Loading dates…</p> : null}
        {dates.data && dates.data.dates.length === 0 ? <p className="subtle">No dates on sale.</p> : null}
        <fieldset className="chips" aria-label="Dates">
          {dates.data?.dates.map((d) => (
            <button
              key={d.scheduleId}
              type="button"
              className="chip"
              data-testid="date-option"
              aria-pressed={d.scheduleId === scheduleId}
              disabled={d.availableSeats === 0}
              onClick={() => {
                setScheduleId(d.scheduleId);
                setSectionId(null);
                setNotice(null);
              }}
            >
              <span className="chip-title">{formatDateTime(d.startsAt)}</span>
              <span className="chip-meta">
                {d.availableSeats === 0 ? 'Sold out' : `${formatNumber(d.availableSeats)} seats left`}
              </span>
            </button>
          ))}
        </fieldset>
      </div>

      {scheduleId !== null ? (
        <div>
          <h2>2. Choose a section</h2>
          <ErrorNote error={sections.error} />
          {sections.isPending ? <p className="subtle">Loading sections…</p> : null}
          <fieldset className="chips" aria-label="Sections">
            {sections.data?.sections.map((s) => (
              <button
                key={s.sectionId}
                type="button"
                className="chip"
                data-testid="section-option"
                aria-pressed={s.sectionId === sectionId}
                disabled={s.availableSeats === 0}
                onClick={() => {
                  setSectionId(s.sectionId);
                  setNotice(null);
                }}
              >
                <span className="chip-title">{s.name}</span>
                <span className="chip-meta">{formatWon(s.price)}</span>
                <span className="chip-meta">
                  {s.availableSeats} / {s.totalSeats} available
                </span>
                <span className="meter">
                  <span
                    className="meter-fill"
                    style={{ width: `${s.totalSeats ? (100 * s.availableSeats) / s.totalSeats : 0}%` }}
                  />
                </span>
              </button>
            ))}
          </fieldset>
        </div>
      ) : null}

      {scheduleId !== null && sectionId !== null ? (
        <div>
          <div className="spread">
            <h2>3. Pick a seat{section ? ` in ${section.name}` : ''}</h2>
            {section ? <span className="badge badge-accent">{formatWon(section.price)} each</span> : null}
          </div>
          {notice ? (
            <div
              className={`note note-${notice.kind === 'ok' ? 'ok' : notice.kind === 'warn' ? 'warn' : 'error'}`}
              role={notice.kind === 'ok' ? 'status' : 'alert'}
              data-testid="hold-notice"
              data-code={notice.code ?? undefined}
              style={{ marginBottom: 12 }}
            >
              {notice.text}
              {notice.code ? <code className="code-tag">{notice.code}</code> : null}
            </div>
          ) : null}
          <ErrorNote error={seats.error} />
          {seats.isPending ? <p className="subtle">Loading seats…</p> : null}
          {seats.data ? (
            <SeatMap
              sectionKey={`${scheduleId}:${sectionId}`}
              seats={seats.data.seats.filter((s) => s.sectionId === sectionId)}
              totalSeats={section?.totalSeats ?? 0}
              heldSeatIds={heldSeatIds}
              busySeatId={busySeatId}
              onPick={pick}
            />
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
