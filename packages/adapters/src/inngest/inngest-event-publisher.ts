import type { DomainEvent, EventPublisher } from '@concert/domain';
import type { AppInngest } from './client';
import { EVENT_SCHEMAS, type EventName } from './events';

/**
 * Sends domain events to Inngest. Each payload is checked against its schema before it leaves. Sending is
 * bounded by `timeoutMs` and never throws into the request path: the state is already in MySQL and a
 * reconciler re-drives anything whose event was lost.
 */
export class InngestEventPublisher implements EventPublisher {
  constructor(
    private readonly inngest: AppInngest,
    private readonly timeoutMs = 2_000,
    private readonly onError: (error: unknown, events: readonly DomainEvent[]) => void = () => {},
  ) {}

  async publish(...events: DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    const payloads = events.map((e) => {
      const schema = EVENT_SCHEMAS[e.name as EventName];
      if (!schema) throw new Error(`Unknown event ${e.name}: add it to EVENT_SCHEMAS`);
      return { name: e.name, data: schema.parse(e.data) as Record<string, unknown> };
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.inngest.send(payloads),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`inngest.send timed out after ${this.timeoutMs} ms`)),
            this.timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      this.onError(error, events);
    } finally {
      clearTimeout(timer);
    }
  }
}
