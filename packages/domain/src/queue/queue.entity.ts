/**
 * The waiting room. A user holds at most one pass per concert; the pass names its place by `seq`, the value
 * of a per-concert counter at entry, so passes are totally ordered by arrival and a superseded pass (the user
 * left, expired or was dropped and entered again) can never be confused with the current one.
 */
export type QueueStatus = 'WAITING' | 'ACTIVE' | 'EXPIRED' | 'SOLD_OUT';

/** What a signed queue token carries. Binding to user and concert is what makes a foreign pass useless. */
export interface QueuePass {
  readonly concertId: number;
  readonly userId: number;
  /** Arrival sequence number; 0 for a pass issued while the concert was sold out (never enqueued). */
  readonly seq: number;
}

/** The client-facing view of a pass (queue.status). `position`/`etaSeconds` only while WAITING. */
export interface QueueView {
  readonly status: QueueStatus;
  readonly position: number | null;
  readonly etaSeconds: number | null;
  readonly pollAfterMs: number;
  /** ISO-8601, only while ACTIVE. */
  readonly activeUntil: string | null;
}

/** Per-concert figures for /metrics and admin.overview. */
export interface QueueConcertFigures {
  readonly concertId: number;
  readonly waiting: number;
  readonly active: number;
  /** Moving average of admissions per second (null until measured). */
  readonly admittedPerSecond: number | null;
  readonly admittedTotal: number;
  readonly abandonedTotal: number;
  readonly expiredTotal: number;
  readonly spentTotal: number;
  /** ETA of the last user in line, seconds (0 when nobody waits). */
  readonly lastEtaSeconds: number;
  readonly soldOut: boolean;
}
