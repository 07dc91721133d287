import type { QueuePass } from '../queue.entity';

export type EnterOutcome =
  | { readonly kind: 'WAITING'; readonly seq: number; readonly position: number; readonly ratePerSec: number | null }
  | { readonly kind: 'ACTIVE'; readonly seq: number; readonly activeUntilMs: number }
  | { readonly kind: 'SOLD_OUT' };

export type StatusOutcome =
  | { readonly kind: 'WAITING'; readonly position: number; readonly ratePerSec: number | null }
  | { readonly kind: 'ACTIVE'; readonly activeUntilMs: number }
  | { readonly kind: 'EXPIRED' }
  | { readonly kind: 'SOLD_OUT' }
  | { readonly kind: 'RATE_LIMITED'; readonly retryAfterMs: number };

export type ActiveCheck =
  | { readonly kind: 'ACTIVE'; readonly activeUntilMs: number }
  | { readonly kind: 'WAITING' }
  | { readonly kind: 'EXPIRED' };

export interface TickLimits {
  readonly admitPerTick: number;
  readonly maxActive: number;
  readonly activeTtlMs: number;
}

export interface TickOutcome {
  readonly admitted: number;
  readonly expired: number;
  readonly abandoned: number;
  readonly waiting: number;
  readonly active: number;
  /** Whether anyone was waiting when this tick began: only such intervals measure the admission rate. */
  readonly hadWaiters: boolean;
  readonly previousRatePerSec: number | null;
  /** When the previous rate sample was taken (ms), null on the first tick ever. */
  readonly previousSampleAtMs: number | null;
  /** Whether the concert is flagged sold out. */
  readonly soldOut: boolean;
}

export interface QueueSnapshot {
  readonly waiting: number;
  readonly active: number;
  readonly ratePerSec: number | null;
  readonly admittedTotal: number;
  readonly abandonedTotal: number;
  readonly expiredTotal: number;
  readonly spentTotal: number;
  readonly soldOut: boolean;
}

/**
 * The waiting room's state. Every transition (enter, status bookkeeping, leave, admit/expire/abandon, spend) is
 * atomic: the Redis adapter runs each as one Lua script over keys of one concert.
 */
export interface QueueStore {
  /** Enqueue the user, or return their current pass if they have one: entering twice changes nothing. */
  enter(concertId: number, userId: number, nowMs: number): Promise<EnterOutcome>;
  /** Position/state of a pass, charging the user's rate-limit bucket and refreshing their abandonment deadline. */
  status(pass: QueuePass, nowMs: number): Promise<StatusOutcome>;
  /** Is this exact pass ACTIVE now? Read-only. */
  checkActive(pass: QueuePass, nowMs: number): Promise<ActiveCheck>;
  /** Removes the pass if it is still the user's current one. */
  leave(pass: QueuePass): Promise<boolean>;
  /** A completed payment spends the user's ACTIVE pass: the slot is free for the next tick. */
  spend(concertId: number, userId: number): Promise<boolean>;
  /** One atomic admission step for one concert: expire, drop the silent, admit FIFO within the limits. */
  tick(concertId: number, nowMs: number, limits: TickLimits): Promise<TickOutcome>;
  saveAdmissionRate(concertId: number, ratePerSec: number): Promise<void>;
  setSoldOut(concertId: number, soldOut: boolean): Promise<void>;
  /** Concerts that ever had a queue: the dashboard's list, and what the ticker sweeps now and then. */
  concerts(): Promise<number[]>;
  /**
   * The ticker's list every tick: an enter that finds nobody waiting or ACTIVE puts its concert on it, after its own
   * write (so a concurrent `retireIfIdle` cannot leave a waiter off the list), and `retireIfIdle` takes an idle one
   * off.
   */
  liveConcerts(): Promise<number[]>;
  /** Puts concerts back on the ticker's list (a sweep of `concerts()` found someone waiting or active). */
  markLive(concertIds: readonly number[]): Promise<void>;
  /** Takes a concert off the ticker's list if nobody waits or holds a pass there; false (and it stays) if someone does. */
  retireIfIdle(concertId: number): Promise<boolean>;
  snapshot(concertId: number): Promise<QueueSnapshot>;
}
