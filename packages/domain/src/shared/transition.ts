import { DomainError } from './domain-error';
import { err, ok, type Result } from './result';

/** A state machine as data: `allowed[from]` lists the states reachable from `from` in one step. */
export type Transitions<S extends string> = Readonly<Record<S, readonly S[]>>;

export function transition<S extends string>(
  machine: string,
  allowed: Transitions<S>,
  from: S,
  to: S,
): Result<S, DomainError<'INVALID_TRANSITION'>> {
  return allowed[from].includes(to)
    ? ok(to)
    : err(new DomainError('INVALID_TRANSITION', `${machine}: ${from} -> ${to} is not allowed`, { from, to }));
}
