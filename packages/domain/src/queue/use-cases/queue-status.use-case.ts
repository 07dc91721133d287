import { type DomainError, domainError, err, ok, type Result } from '../../shared';
import type { QueueView } from '../queue.entity';
import { activeView, finalView, passOf, type QueueDeps, waitingView } from './queue-deps';

/**
 * The hot path (polled by every waiter): one signature check in memory and one store round trip, which also
 * charges the user's rate-limit bucket and proves they are still there.
 */
export function createQueueStatus(deps: QueueDeps) {
  return async (input: {
    userId: number;
    queueToken: string | undefined;
  }): Promise<Result<QueueView, DomainError<'QUEUE_TOKEN_INVALID' | 'RATE_LIMITED'>>> => {
    const pass = passOf(deps.tokens, input.queueToken, input.userId);
    if (!pass) return err(domainError('QUEUE_TOKEN_INVALID', 'Queue token missing, invalid or not yours'));
    const outcome = await deps.store.status(pass, deps.clock.now().getTime());
    switch (outcome.kind) {
      case 'WAITING':
        return ok(waitingView(deps, outcome.position, outcome.ratePerSec));
      case 'ACTIVE':
        return ok(activeView(outcome.activeUntilMs));
      case 'EXPIRED':
      case 'SOLD_OUT':
        return ok(finalView(outcome.kind));
      case 'RATE_LIMITED':
        return err(
          domainError('RATE_LIMITED', `Polling too fast: retry in ${outcome.retryAfterMs} ms`, {
            retryAfterMs: outcome.retryAfterMs,
          }),
        );
    }
  };
}
