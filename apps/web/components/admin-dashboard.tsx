'use client';

import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { concertByIdInput } from '../lib/concert-by-id';
import { humanize, labelColumn, modelOverview, type OverviewModel, type Scalar } from '../lib/flatten';
import { formatNumber } from '../lib/format';
import { setAdminToken, useAdminToken, useHydrated } from '../lib/session-store';
import { useTRPC } from '../lib/trpc';
import { useNow } from '../lib/use-now';
import { ErrorNote } from './error-note';

const REFRESH_MS = 2_000;
/** Columns worth a bar chart, in the order an operator reads them. */
const CHART_PATTERNS = [
  /waiting/i,
  /active/i,
  /admitted/i,
  /abandon/i,
  /eta/i,
  /sold|sales/i,
  /revenue|amount/i,
  /payment|completed|failed/i,
];
const MAX_CHARTS = 8;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** Titles are looked up for this many rows at most (one cached primary-key read each). */
const MAX_TITLES = 50;

function formatCell(value: Scalar | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? formatNumber(value) : value.toFixed(2);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (ISO_DATE.test(value)) return new Date(value).toLocaleString();
  return value;
}

function TokenForm({ initial, onSave }: { initial: string; onSave: (token: string | null) => void }) {
  const [value, setValue] = useState(initial);
  return (
    <form
      className="row"
      onSubmit={(event) => {
        event.preventDefault();
        onSave(value.trim() || null);
      }}
    >
      <input
        className="input"
        type="password"
        autoComplete="off"
        placeholder="Admin token"
        aria-label="Admin token"
        value={value}
        onChange={(event) => setValue(event.target.value)}
      />
      <button type="submit" className="btn btn-primary">
        Save token
      </button>
      {initial ? (
        <button
          type="button"
          className="btn"
          onClick={() => {
            setValue('');
            onSave(null);
          }}
        >
          Forget
        </button>
      ) : null}
    </form>
  );
}

function BarChart({
  title,
  rows,
  column,
  label,
}: {
  title: string;
  rows: OverviewModel['rows'];
  column: string;
  label: string;
}) {
  const values = rows.map(({ cells }) => (typeof cells[column] === 'number' ? (cells[column] as number) : 0));
  const max = Math.max(...values, 0);
  return (
    <div className="card stack" style={{ gap: 10 }} data-testid="admin-chart">
      <h3 style={{ margin: 0 }}>{title}</h3>
      <div className="bars">
        {rows.map(({ key, cells }, i) => (
          <div className="bar-row" key={key}>
            <span className="bar-label" title={String(cells[label])}>
              {formatCell(cells[label])}
            </span>
            <span className="bar">
              <span className="bar-fill" style={{ width: `${max > 0 ? (100 * (values[i] ?? 0)) / max : 0}%` }} />
            </span>
            <span className="bar-value">{formatCell(cells[column])}</span>
          </div>
        ))}
      </div>
    </div>
  );
}

/** Puts a `title` column right after `concertId` when titles are known. */
function withTitles(model: OverviewModel, titleOf: Map<number, string>): OverviewModel {
  if (titleOf.size === 0 || !model.columns.includes('concertId') || model.columns.includes('title')) return model;
  const at = model.columns.indexOf('concertId') + 1;
  return {
    ...model,
    columns: [...model.columns.slice(0, at), 'title', ...model.columns.slice(at)],
    rows: model.rows.map((row) => {
      const id = row.cells.concertId;
      return { ...row, cells: { ...row.cells, title: (typeof id === 'number' && titleOf.get(id)) || null } };
    }),
  };
}

export function AdminDashboard() {
  const hydrated = useHydrated();
  const token = useAdminToken();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(1_000);

  const overview = useQuery(
    trpc.admin.overview.queryOptions(
      {},
      {
        // The admin token replaces the user's session on this call only.
        trpc: { context: { authorization: `Bearer ${token}` } },
        enabled: Boolean(token),
        // A fixed 2 s refresh: the operator view, not a user poll, so it does not follow pollAfterMs.
        refetchInterval: REFRESH_MS,
        refetchIntervalInBackground: false,
        retry: false,
        staleTime: 0,
        meta: { admin: true },
      },
    ),
  );
  // Figures fetched with another token must not linger: drop them, then the next render fetches afresh.
  const saveToken = (next: string | null) => {
    queryClient.removeQueries(trpc.admin.overview.pathFilter());
    setAdminToken(next);
  };

  const raw = overview.data === undefined ? null : modelOverview(overview.data);
  // The overview speaks in concert ids; operators think in titles.
  const concertIds = (raw?.rows ?? [])
    .map((r) => r.cells.concertId)
    .filter((id): id is number => typeof id === 'number')
    .slice(0, MAX_TITLES);
  const titles = useQueries({
    queries: concertIds.map((id) =>
      trpc.catalog.concerts.queryOptions(concertByIdInput(id), { staleTime: Number.POSITIVE_INFINITY }),
    ),
  });
  const titleOf = new Map<number, string>();
  for (const t of titles) {
    const concert = t.data?.items[0];
    if (concert) titleOf.set(concert.concertId, concert.title);
  }
  const model = raw && withTitles(raw, titleOf);
  const label = model ? labelColumn(model.columns) : null;
  const charts = model
    ? CHART_PATTERNS.flatMap((pattern) => model.numericColumns.filter((c) => pattern.test(c)))
        .filter((c, i, all) => all.indexOf(c) === i)
        .slice(0, MAX_CHARTS)
    : [];
  const textColumns = new Set(
    model ? model.columns.filter((c) => model.rows.some((r) => typeof r.cells[c] === 'string')) : [],
  );
  // generatedAt is already the "Updated" line.
  const summaryEntries = model ? Object.entries(model.summary).filter(([key]) => key !== 'generatedAt') : [];

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Operator dashboard</h1>
          <p className="subtle" style={{ margin: 0 }}>
            Live queue, sales and payment figures per concert, refreshed every {REFRESH_MS / 1000} s.
          </p>
        </div>
        {hydrated ? <TokenForm key={token ?? ''} initial={token ?? ''} onSave={saveToken} /> : null}
      </div>

      {!hydrated ? null : !token ? (
        <div className="note note-info">Enter the admin token (the API's ADMIN_TOKEN) to see the figures.</div>
      ) : null}

      <ErrorNote
        error={overview.error}
        title="Could not load the overview"
        messages={{ SESSION_INVALID: 'The admin token was not accepted. Check the API’s ADMIN_TOKEN.' }}
      />

      {model ? (
        <>
          <p className="subtle small" style={{ margin: 0 }} data-testid="admin-updated">
            <span className="pulse" />
            Updated {Math.max(0, Math.round((now - overview.dataUpdatedAt) / 1000))} s ago
            {overview.isFetching ? ' · refreshing…' : ''}
          </p>

          {summaryEntries.length > 0 ? (
            <div className="stats" data-testid="admin-summary">
              {summaryEntries.map(([key, value]) => (
                <div className="stat" key={key}>
                  <div className="label">{humanize(key)}</div>
                  <div className="value" style={typeof value === 'string' ? { fontSize: '0.95rem' } : undefined}>
                    {formatCell(value)}
                  </div>
                </div>
              ))}
            </div>
          ) : null}

          <section className="card" data-testid="admin-table">
            <h2>Per concert</h2>
            {model.rows.length === 0 ? (
              <p className="subtle">No queue activity yet: concerts appear here once someone joins a waiting room.</p>
            ) : (
              <div className="table-wrap">
                <table className="data">
                  <thead>
                    <tr>
                      {model.columns.map((c) => (
                        <th key={c} scope="col" className={textColumns.has(c) ? 'text' : undefined}>
                          {humanize(c)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {model.rows.map(({ key, cells }) => (
                      <tr key={key}>
                        {model.columns.map((c) => (
                          <td key={c} className={textColumns.has(c) ? 'text' : undefined}>
                            {formatCell(cells[c])}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          {label && model.rows.length > 0 ? (
            <div className="grid" style={{ gridTemplateColumns: 'repeat(auto-fill, minmax(420px, 1fr))' }}>
              {charts.map((column) => (
                <BarChart key={column} title={humanize(column)} rows={model.rows} column={column} label={label} />
              ))}
            </div>
          ) : null}

          <details className="card">
            <summary className="subtle">Raw response</summary>
            <pre className="mono small" style={{ overflowX: 'auto' }}>
              {JSON.stringify(overview.data, null, 2)}
            </pre>
          </details>
        </>
      ) : null}
    </div>
  );
}
