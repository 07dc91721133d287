'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useDeferredValue, useEffect, useState } from 'react';
import { formatDateRange } from '../lib/format';
import { useTRPC } from '../lib/trpc';
import { ErrorNote } from './error-note';

const PAGE_SIZE = 12;

/** Debounce typing so a search is one request per pause, not one per keystroke. */
function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function ConcertList() {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const q = useDeferredValue(useDebounced(search.trim(), 250));

  const concerts = useInfiniteQuery(
    trpc.catalog.concerts.infiniteQueryOptions(
      { limit: PAGE_SIZE, ...(q ? { q } : {}) },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const items = concerts.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Concerts</h1>
          <p className="subtle" style={{ margin: 0 }}>
            Pick a concert, join its waiting room, and choose your seat when it is your turn.
          </p>
        </div>
        <input
          className="input search"
          type="search"
          placeholder="Search by title or artist"
          aria-label="Search concerts"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>

      <ErrorNote error={concerts.error} title="Could not load concerts" />

      {concerts.isPending ? (
        <p className="empty">Loading concerts…</p>
      ) : items.length === 0 && !concerts.error ? (
        <p className="empty" data-testid="no-concerts">
          {q ? `No concerts match “${q}”.` : 'No concerts yet.'}
        </p>
      ) : (
        <ul className="grid" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="concert-list">
          {items.map((concert) => (
            <li key={concert.concertId}>
              <Link href={`/concerts/${concert.concertId}`} className="card concert-card" data-testid="concert-card">
                <span className="title">{concert.title}</span>
                <span className="artist">{concert.artist}</span>
                <span className="meta">{concert.venue}</span>
                <span className="meta">{formatDateRange(concert.firstDate, concert.lastDate)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}

      {concerts.hasNextPage ? (
        <div className="center">
          <button
            type="button"
            className="btn"
            onClick={() => concerts.fetchNextPage()}
            disabled={concerts.isFetchingNextPage}
          >
            {concerts.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </div>
  );
}
