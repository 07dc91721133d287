import type { QueueStore } from '../ports/queue-store.port';
import type { QueueConcertFigures } from '../queue.entity';
import { type AdmissionCapacity, etaSeconds } from '../queue.policy';

/** Per-concert queue figures for the dashboard and /metrics. */
export function createQueueOverview(deps: { readonly store: QueueStore; readonly capacity: AdmissionCapacity }) {
  return async (): Promise<QueueConcertFigures[]> => {
    const ids = await deps.store.concerts();
    const figures = await Promise.all(
      ids.map(async (concertId): Promise<QueueConcertFigures> => {
        const s = await deps.store.snapshot(concertId);
        return {
          concertId,
          waiting: s.waiting,
          active: s.active,
          admittedPerSecond: s.ratePerSec,
          admittedTotal: s.admittedTotal,
          abandonedTotal: s.abandonedTotal,
          expiredTotal: s.expiredTotal,
          spentTotal: s.spentTotal,
          lastEtaSeconds: etaSeconds(s.waiting, s.ratePerSec, deps.capacity),
          soldOut: s.soldOut,
        };
      }),
    );
    return figures.sort((a, b) => a.concertId - b.concertId);
  };
}
