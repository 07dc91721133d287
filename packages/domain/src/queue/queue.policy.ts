/**
 * Pure queue policy: how often to poll, how long until admission, when a silent waiter counts as gone, how the
 * admission rate is measured. The Redis scripts receive the numeric tables below as arguments (never their own
 * copies), so this file stays the single source of truth.
 */

/**
 * Base poll interval by position: `[upToPosition, baseMs]`, ascending. Near the front every 1-2 s (with
 * jitter), beyond 10,000 every 30 s or more, as the seed's postmortem asked. The last band is open-ended.
 */
export const POLL_BANDS: ReadonlyArray<readonly [number, number]> = [
  [10, 1_000],
  [100, 2_000],
  [1_000, 4_000],
  [5_000, 10_000],
  [10_000, 20_000],
  [Number.POSITIVE_INFINITY, 30_000],
];

/** Jitter only ever lengthens the interval (up to +50%), so the base stays a lower bound the rate limit can use. */
export const POLL_JITTER = 0.5;
/** ACTIVE users need no progress updates; they are told to come back rarely. */
export const ACTIVE_POLL_MS = 5_000;
/** SOLD_OUT / EXPIRED: nothing will change soon. */
export const FINAL_POLL_MS = 30_000;

/** A waiter is dropped after missing this many of their polls in a row, plus a grace for slow networks. */
export const ABANDON_MISSED_POLLS = 3;
export const ABANDON_GRACE_MS = 10_000;

/**
 * Per-user token bucket on queue.status: `RATE_BURST` tokens, one token back per `RATE_REFILL_FACTOR` x the
 * base interval the user was last told. A client that waits the full `pollAfterMs` (>= base) earns two
 * tokens per call and spends one, so it can never be limited; one polling 4x too fast runs dry after a
 * few calls.
 */
export const RATE_BURST = 4;
export const RATE_REFILL_FACTOR = 0.5;

export function pollBaseMs(position: number): number {
  for (const [upTo, ms] of POLL_BANDS) if (position <= upTo) return ms;
  return POLL_BANDS[POLL_BANDS.length - 1]![1];
}

/** `random` in [0, 1): jitter so that pollers never synchronise. */
export function pollAfterMs(position: number, random: number): number {
  const base = pollBaseMs(position);
  return Math.round(base * (1 + POLL_JITTER * clamp(random, 0, 1)));
}

/** The deadline by which a waiter at `position` must poll again, or be dropped as abandoned. */
export function abandonAfterMs(position: number): number {
  return Math.ceil(ABANDON_MISSED_POLLS * pollBaseMs(position) * (1 + POLL_JITTER) + ABANDON_GRACE_MS);
}

/** Bands flattened for the Redis scripts: `upTo,ms,upTo,ms,...` (the open band as -1). */
export function pollBandsArg(): string {
  return POLL_BANDS.map(([upTo, ms]) => `${Number.isFinite(upTo) ? upTo : -1},${ms}`).join(',');
}

export interface AdmissionCapacity {
  /** Most admissions per second the configuration allows: admitPerTick per tick period. */
  readonly maxRatePerSec: number;
  /**
   * Admissions per second guaranteed while people wait: every ACTIVE pass ends within its TTL, so at least
   * maxActive per TTL get in. Keeps ETAs finite when the room is full and nothing was admitted lately.
   */
  readonly floorRatePerSec: number;
}

export function admissionCapacity(cfg: {
  tickMs: number;
  admitPerTick: number;
  maxActive: number;
  activeTtlSeconds: number;
}): AdmissionCapacity {
  const maxRatePerSec = (cfg.admitPerTick * 1000) / cfg.tickMs;
  return { maxRatePerSec, floorRatePerSec: Math.min(maxRatePerSec, cfg.maxActive / cfg.activeTtlSeconds) };
}

/**
 * Seconds until the user at `position` is admitted, from the measured admission rate (moving average). Before
 * any measurement the configured maximum is the best guess; the measured rate is kept within [floor, max].
 */
export function etaSeconds(position: number, measuredRatePerSec: number | null, capacity: AdmissionCapacity): number {
  if (position <= 0) return 0;
  const rate =
    measuredRatePerSec === null
      ? capacity.maxRatePerSec
      : clamp(measuredRatePerSec, capacity.floorRatePerSec, capacity.maxRatePerSec);
  return Math.ceil(position / rate);
}

/** Time constant of the admission-rate moving average. */
export const RATE_TAU_MS = 30_000;
/** A gap longer than this between samples (restart, paused ticker) counts as this long, not as a stall. */
export const RATE_MAX_GAP_MS = 10_000;

/**
 * Exponentially weighted moving average of admissions per second over irregular samples: weight
 * `1 - exp(-dt / tau)`, so two tickers sampling a few ms apart move it as little as one sampling once.
 */
export function nextAdmissionRate(previous: number | null, admitted: number, dtMs: number): number {
  const dt = clamp(dtMs, 1, RATE_MAX_GAP_MS);
  const instant = (admitted * 1000) / dt;
  if (previous === null) return instant;
  const weight = 1 - Math.exp(-dt / RATE_TAU_MS);
  return previous + weight * (instant - previous);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
