/**
 * admin.overview is loosely specified ("queue, sales and payment figures per concert"), so the dashboard reads
 * its shape instead of hard-coding it: the per-concert rows are the first array of objects, nested objects are
 * flattened to dotted columns, and numbers become bars.
 */

export type Scalar = string | number | boolean | null;
export type FlatRow = Record<string, Scalar>;

export function flatten(value: unknown, prefix = '', out: FlatRow = {}): FlatRow {
  if (value === null || typeof value !== 'object') {
    out[prefix || 'value'] = (value ?? null) as Scalar;
    return out;
  }
  if (Array.isArray(value)) {
    out[prefix || 'value'] = value.length;
    return out;
  }
  for (const [key, child] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (child !== null && typeof child === 'object' && !Array.isArray(child)) flatten(child, name, out);
    else if (Array.isArray(child)) out[`${name}.count`] = child.length;
    else out[name] = (child ?? null) as Scalar;
  }
  return out;
}

export interface OverviewModel {
  /** Top-level scalar figures (totals, generatedAt, ...). */
  summary: FlatRow;
  rowsKey: string | null;
  /** Each row with a stable React key (position in the list: the API's order is the display order). */
  rows: { key: string; cells: FlatRow }[];
  columns: string[];
  numericColumns: string[];
}

function findRows(data: unknown, path = ''): { key: string; rows: Record<string, unknown>[] } | null {
  if (Array.isArray(data)) {
    if (data.length === 0 || data.every((d) => d !== null && typeof d === 'object' && !Array.isArray(d))) {
      return { key: path || 'rows', rows: data as Record<string, unknown>[] };
    }
    return null;
  }
  if (data === null || typeof data !== 'object') return null;
  const entries = Object.entries(data);
  // Prefer an explicit per-concert list.
  const preferred = entries.find(([k, v]) => /concert/i.test(k) && Array.isArray(v));
  const ordered = preferred ? [preferred, ...entries.filter((e) => e !== preferred)] : entries;
  for (const [key, value] of ordered) {
    const found = findRows(value, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}

export function modelOverview(data: unknown): OverviewModel {
  const found = findRows(data);
  const summarySource =
    data !== null && typeof data === 'object' && !Array.isArray(data) && found
      ? Object.fromEntries(Object.entries(data).filter(([k]) => k !== found.key.split('.')[0]))
      : Array.isArray(data)
        ? {}
        : data;
  const summary = flatten(summarySource ?? {});
  const rows = (found?.rows ?? []).map((row, n) => ({ key: `row-${n}`, cells: flatten(row) }));
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row.cells)) if (!columns.includes(key)) columns.push(key);
  const numericColumns = columns.filter(
    (c) => !/(^|\.)(id|concertId|scheduleId)$/i.test(c) && rows.some((r) => typeof r.cells[c] === 'number'),
  );
  return { summary, rowsKey: found?.key ?? null, rows, columns, numericColumns };
}

/** `admittedPerSecond` -> "Admitted per second", `sales.soldSeats` -> "Sales · sold seats". */
export function humanize(column: string): string {
  return column
    .split('.')
    .map((part) =>
      part
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .replace(/_/g, ' ')
        .toLowerCase(),
    )
    .map((part) => part.replace(/\beta\b/g, 'ETA'))
    .map((part, i) => (i === 0 ? part.charAt(0).toUpperCase() + part.slice(1) : part))
    .join(' · ');
}

/** The column that names a row: a title if there is one, else the concert id. */
export function labelColumn(columns: string[]): string | null {
  return (
    columns.find((c) => /(^|\.)(title|name)$/i.test(c)) ??
    columns.find((c) => /concertId$/i.test(c)) ??
    columns[0] ??
    null
  );
}
