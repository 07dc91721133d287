/**
 * Use cases announce what happened through this port; the adapter sends it to Inngest. Publishing is
 * best-effort and bounded in time: the state it describes is already committed to MySQL, and reconcilers
 * pick up anything whose event was lost.
 */
export interface DomainEvent<N extends string = string, D = unknown> {
  readonly name: N;
  readonly data: D;
}

export interface EventPublisher {
  publish(...events: DomainEvent[]): Promise<void>;
}
