import type { Clock } from '../../shared';
import type { ConcertDirectory } from '../ports/concert-directory.port';
import type { QueueStore, TickLimits } from '../ports/queue-store.port';
import { nextAdmissionRate } from '../queue.policy';

export interface AdmissionTickReport {
  /** Concerts ticked. */
  readonly concerts: number;
  /** Concerts taken off the ticker's list because nobody waits or holds a pass there. */
  readonly retired: number;
  readonly admitted: number;
  readonly expired: number;
  readonly abandoned: number;
  readonly soldOutRefreshed: boolean;
}

/**
 * One admission step over every concert with people in its queue. Safe to run from several processes at once:
 * each concert's step is one atomic store operation that computes the free room itself, so QUEUE_MAX_ACTIVE
 * holds whatever the interleaving. Sold-out flags are refreshed from the catalog every `soldOutRefreshMs` for
 * concerts with people in the queue, and whenever a tick visits a flagged concert that has nobody: were it left
 * alone, everyone entering would read SOLD_OUT and never queue, so seats that came back would never be offered.
 *
 * Each tick works on the store's live list, not on every concert that ever had a queue (which only grows): a
 * concert found idle is retired from it, and its next enter puts it back. Every `registrySweepMs` a tick also
 * goes over all of them, and puts back any it finds busy (a queue filled before this list existed).
 */
export function createAdmissionTick(deps: {
  readonly store: QueueStore;
  readonly concerts: ConcertDirectory;
  readonly clock: Clock;
  readonly limits: TickLimits;
  readonly soldOutRefreshMs: number;
  readonly registrySweepMs: number;
}) {
  let lastRefreshMs = Number.NEGATIVE_INFINITY;
  let lastSweepMs = Number.NEGATIVE_INFINITY;

  /** Sets each listed concert's sold-out flag from the catalog (no seat AVAILABLE or HELD = sold out). */
  async function refreshSoldOut(concertIds: readonly number[]): Promise<void> {
    if (concertIds.length === 0) return;
    const sellable = await deps.concerts.withSellableSeats(concertIds);
    await Promise.all(concertIds.map((id) => deps.store.setSoldOut(id, !sellable.has(id))));
  }

  async function tick(): Promise<AdmissionTickReport> {
    const startMs = deps.clock.now().getTime();
    const sweep = startMs - lastSweepMs >= deps.registrySweepMs;
    if (sweep) lastSweepMs = startMs;
    const live = new Set(await deps.store.liveConcerts());
    const concertIds = sweep ? [...new Set([...(await deps.store.concerts()), ...live])] : [...live];
    let admitted = 0;
    let expired = 0;
    let abandoned = 0;
    const busy: number[] = [];
    const idle: number[] = [];
    const idleSoldOut: number[] = [];
    await Promise.all(
      concertIds.map(async (concertId) => {
        const nowMs = deps.clock.now().getTime();
        const out = await deps.store.tick(concertId, nowMs, deps.limits);
        admitted += out.admitted;
        expired += out.expired;
        abandoned += out.abandoned;
        if (out.waiting > 0 || out.active > 0) busy.push(concertId);
        else {
          if (live.has(concertId)) idle.push(concertId);
          if (out.soldOut) idleSoldOut.push(concertId);
        }
        // Only intervals with people waiting measure the admission rate; an idle room says nothing about it.
        if (out.hadWaiters && out.previousSampleAtMs !== null) {
          const rate = nextAdmissionRate(out.previousRatePerSec, out.admitted, nowMs - out.previousSampleAtMs);
          await deps.store.saveAdmissionRate(concertId, rate);
        }
      }),
    );
    const revived = busy.filter((id) => !live.has(id));
    if (revived.length > 0) await deps.store.markLive(revived);
    const retired = (await Promise.all(idle.map((id) => deps.store.retireIfIdle(id)))).filter(Boolean).length;
    const nowMs = deps.clock.now().getTime();
    const refresh = nowMs - lastRefreshMs >= deps.soldOutRefreshMs;
    if (refresh) lastRefreshMs = nowMs;
    await refreshSoldOut([...(refresh ? busy : []), ...idleSoldOut]);
    return { concerts: concertIds.length, retired, admitted, expired, abandoned, soldOutRefreshed: refresh };
  }

  return { tick, refreshSoldOut };
}
