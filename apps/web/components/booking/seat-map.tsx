'use client';

import { useRef } from 'react';
import type { SeatView } from '../../lib/router-types';

interface Cell {
  row: string;
  number: number;
  seat: SeatView | null;
  available: boolean;
}

const naturalCompare = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/**
 * The API returns only AVAILABLE seats, so the map reconstructs the section's grid: every row label and seat
 * number seen so far (seats remembered across refreshes, so a seat that disappears shows as taken), filled out
 * to a rectangle, plus missing letter rows when the section's total says some rows are entirely taken.
 */
function buildGrid(available: SeatView[], seen: Map<number, SeatView>, totalSeats: number): Cell[][] {
  const availableIds = new Set(available.map((s) => s.seatId));
  const byPosition = new Map<string, SeatView>();
  for (const seat of seen.values()) byPosition.set(`${seat.row}#${seat.number}`, seat);
  const rows = new Set<string>();
  let width = 0;
  for (const seat of seen.values()) {
    rows.add(seat.row);
    width = Math.max(width, seat.number);
  }
  let labels = [...rows].sort(naturalCompare);
  // Single-letter rows: fill gaps (A, C -> A, B, C) and append rows until the grid can hold totalSeats.
  if (width > 0 && labels.every((l) => /^[A-Z]$/.test(l))) {
    const codes = labels.map((l) => l.charCodeAt(0));
    const first = Math.min(...codes, 65);
    let last = Math.max(...codes);
    while ((last - first + 1) * width < totalSeats && last < 90) last += 1;
    labels = Array.from({ length: last - first + 1 }, (_, i) => String.fromCharCode(first + i));
  }
  return labels.map((row) =>
    Array.from({ length: width }, (_, i) => {
      const seat = byPosition.get(`${row}#${i + 1}`) ?? null;
      return { row, number: i + 1, seat, available: seat !== null && availableIds.has(seat.seatId) };
    }),
  );
}

export function SeatMap({
  sectionKey,
  seats,
  totalSeats,
  heldSeatIds,
  busySeatId,
  onPick,
}: {
  /** Changes when the section changes: the memory of seen seats is per section. */
  sectionKey: string;
  seats: SeatView[];
  totalSeats: number;
  heldSeatIds: Set<number>;
  busySeatId: number | null;
  onPick: (seat: SeatView) => void;
}) {
  const memory = useRef<{ key: string; seen: Map<number, SeatView> }>({ key: '', seen: new Map() });
  if (memory.current.key !== sectionKey) memory.current = { key: sectionKey, seen: new Map() };
  for (const seat of seats) memory.current.seen.set(seat.seatId, seat);
  const grid = buildGrid(seats, memory.current.seen, totalSeats);

  if (grid.length === 0) {
    return <p className="empty">No seats left in this section.</p>;
  }

  return (
    <div>
      <div className="stage">STAGE</div>
      <div className="seat-map" data-testid="seat-map">
        {grid.map((cells) => (
          <div className="seat-row" key={cells[0]?.row}>
            <span className="seat-row-label">{cells[0]?.row}</span>
            {cells.map((cell) => {
              const mine = cell.seat !== null && heldSeatIds.has(cell.seat.seatId);
              const label = `Seat ${cell.row}-${cell.number}`;
              const className = `seat${cell.available ? '' : mine ? ' mine' : ' taken'}${
                busySeatId !== null && cell.seat?.seatId === busySeatId ? ' busy' : ''
              }`;
              return (
                <button
                  key={`${cell.row}-${cell.number}`}
                  type="button"
                  className={className}
                  disabled={!cell.available || busySeatId !== null}
                  aria-label={`${label}${cell.available ? '' : mine ? ' (yours)' : ' (taken)'}`}
                  title={cell.available && cell.seat ? `${label}` : `${label}: ${mine ? 'held by you' : 'taken'}`}
                  data-seat-id={cell.seat?.seatId}
                  data-state={cell.available ? 'available' : mine ? 'mine' : 'taken'}
                  onClick={() => cell.seat && cell.available && onPick(cell.seat)}
                >
                  {cell.number}
                </button>
              );
            })}
          </div>
        ))}
      </div>
      <div className="legend">
        <span>
          <span className="seat" /> available
        </span>
        <span>
          <span className="seat taken" /> taken
        </span>
        <span>
          <span className="seat mine" /> yours
        </span>
      </div>
    </div>
  );
}
