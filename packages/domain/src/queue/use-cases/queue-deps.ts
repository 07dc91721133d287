import type { Clock } from '../../shared';
import type { QueuePassTokens } from '../ports/queue-pass-tokens.port';
import type { QueueStore } from '../ports/queue-store.port';
import type { QueuePass, QueueView } from '../queue.entity';
import { ACTIVE_POLL_MS, type AdmissionCapacity, etaSeconds, FINAL_POLL_MS, pollAfterMs } from '../queue.policy';

/** What every queue use case is built from. `random` feeds poll jitter (Math.random in production). */
export interface QueueDeps {
  readonly store: QueueStore;
  readonly tokens: QueuePassTokens;
  readonly clock: Clock;
  readonly capacity: AdmissionCapacity;
  readonly random?: () => number;
}

/** The pass in `token` if it is genuine and belongs to `userId` (and to `concertId` when given); else null. */
export function passOf(tokens: QueuePassTokens, token: string | undefined, userId: number, concertId?: number) {
  if (!token) return null;
  const pass = tokens.verify(token);
  if (!pass || pass.userId !== userId) return null;
  if (concertId !== undefined && pass.concertId !== concertId) return null;
  return pass satisfies QueuePass;
}

export function waitingView(deps: QueueDeps, position: number, ratePerSec: number | null): QueueView {
  return {
    status: 'WAITING',
    position,
    etaSeconds: etaSeconds(position, ratePerSec, deps.capacity),
    pollAfterMs: pollAfterMs(position, (deps.random ?? Math.random)()),
    activeUntil: null,
  };
}

export function activeView(activeUntilMs: number): QueueView {
  return {
    status: 'ACTIVE',
    position: null,
    etaSeconds: null,
    pollAfterMs: ACTIVE_POLL_MS,
    activeUntil: new Date(activeUntilMs).toISOString(),
  };
}

export function finalView(status: 'EXPIRED' | 'SOLD_OUT'): QueueView {
  return { status, position: null, etaSeconds: null, pollAfterMs: FINAL_POLL_MS, activeUntil: null };
}
