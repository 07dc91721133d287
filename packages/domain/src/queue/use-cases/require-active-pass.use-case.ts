import { type DomainError, domainError, err, ok, type Result } from '../../shared';
import type { QueuePass } from '../queue.entity';
import { passOf, type QueueDeps } from './queue-deps';

export type ActivePassError = DomainError<'QUEUE_TOKEN_INVALID' | 'QUEUE_NOT_ACTIVE'>;

/**
 * Guards holds and payments: the pass must be genuine, the caller's, for this concert, and ACTIVE right now.
 * A pass that is still waiting, expired, spent or superseded is QUEUE_NOT_ACTIVE.
 */
export function createRequireActivePass(deps: Pick<QueueDeps, 'store' | 'tokens' | 'clock'>) {
  return async (input: {
    userId: number;
    queueToken: string | undefined;
    concertId: number;
  }): Promise<Result<{ pass: QueuePass; activeUntil: Date }, ActivePassError>> => {
    const pass = passOf(deps.tokens, input.queueToken, input.userId, input.concertId);
    if (!pass) return err(domainError('QUEUE_TOKEN_INVALID', 'Queue token missing, invalid or not for this concert'));
    const check = await deps.store.checkActive(pass, deps.clock.now().getTime());
    if (check.kind !== 'ACTIVE')
      return err(domainError('QUEUE_NOT_ACTIVE', check.kind === 'WAITING' ? 'Still waiting' : 'Queue pass expired'));
    return ok({ pass, activeUntil: new Date(check.activeUntilMs) });
  };
}
