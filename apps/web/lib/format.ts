const won = new Intl.NumberFormat('en-US');

/** Money is an integer number of won. */
export function formatWon(amount: number): string {
  return `₩${won.format(amount)}`;
}

export function formatNumber(value: number): string {
  return won.format(value);
}

const dateFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const dateTimeFmt = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});

// Dates are shown in UTC so server and browser render the same text (no hydration mismatch).
export function formatDate(iso: string | null | undefined): string {
  return iso ? dateFmt.format(new Date(iso)) : '—';
}

export function formatDateTime(iso: string): string {
  return `${dateTimeFmt.format(new Date(iso))} UTC`;
}

export function formatDateRange(first: string | null, last: string | null): string {
  if (!first && !last) return 'Dates to be announced';
  const a = formatDate(first);
  const b = formatDate(last);
  return a === b ? a : `${a} – ${b}`;
}

/** 125 -> "2:05", 3725 -> "1:02:05". */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Rough human ETA: "under a minute", "about 3 minutes". */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return 'calculating…';
  if (seconds < 60) return 'under a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  return `about ${hours} h ${minutes % 60} min`;
}

/** A random idempotency key (8-64 chars), one per user attempt. */
export function newIdempotencyKey(prefix: string): string {
  const random =
    typeof crypto !== 'undefined' && 'randomUUID' in crypto
      ? crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `${prefix}-${random}`.slice(0, 64);
}
