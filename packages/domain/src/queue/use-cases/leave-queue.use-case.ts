import { type DomainError, domainError, err, ok, type Result } from '../../shared';
import { passOf, type QueueDeps } from './queue-deps';

/** Give up a place (or an ACTIVE slot). Leaving with a superseded pass is a no-op, never an error. */
export function createLeaveQueue(deps: Pick<QueueDeps, 'store' | 'tokens'>) {
  return async (input: {
    userId: number;
    queueToken: string | undefined;
  }): Promise<Result<{ ok: true }, DomainError<'QUEUE_TOKEN_INVALID'>>> => {
    const pass = passOf(deps.tokens, input.queueToken, input.userId);
    if (!pass) return err(domainError('QUEUE_TOKEN_INVALID', 'Queue token missing, invalid or not yours'));
    await deps.store.leave(pass);
    return ok({ ok: true });
  };
}
