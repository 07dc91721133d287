import { type DomainError, domainError, err, ok, type Result } from '../../shared';
import type { ConcertDirectory } from '../ports/concert-directory.port';
import type { QueueView } from '../queue.entity';
import { activeView, finalView, type QueueDeps, waitingView } from './queue-deps';

export type EnterQueueResult = QueueView & { readonly queueToken: string };

/**
 * Enter the waiting room of a concert. Idempotent per (user, concert): while a pass is WAITING or ACTIVE the
 * same token and place come back, so nobody gains by re-entering.
 */
export function createEnterQueue(deps: QueueDeps & { readonly concerts: ConcertDirectory }) {
  return async (input: {
    userId: number;
    concertId: number;
  }): Promise<Result<EnterQueueResult, DomainError<'CONCERT_NOT_FOUND'>>> => {
    const { userId, concertId } = input;
    if (!(await deps.concerts.exists(concertId)))
      return err(domainError('CONCERT_NOT_FOUND', `Concert ${concertId} not found`));
    const outcome = await deps.store.enter(concertId, userId, deps.clock.now().getTime());
    switch (outcome.kind) {
      case 'WAITING':
        return ok({
          queueToken: deps.tokens.sign({ concertId, userId, seq: outcome.seq }),
          ...waitingView(deps, outcome.position, outcome.ratePerSec),
        });
      case 'ACTIVE':
        return ok({
          queueToken: deps.tokens.sign({ concertId, userId, seq: outcome.seq }),
          ...activeView(outcome.activeUntilMs),
        });
      case 'SOLD_OUT':
        // A pass that was never enqueued (seq 0): it can only ever read SOLD_OUT or EXPIRED.
        return ok({ queueToken: deps.tokens.sign({ concertId, userId, seq: 0 }), ...finalView('SOLD_OUT') });
    }
  };
}
