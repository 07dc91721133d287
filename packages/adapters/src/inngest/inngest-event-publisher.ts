import type { DomainEvent, EventPublisher } from '@concert/domain';
import type { AppInngest } from './client';
import { EVENT_SCHEMAS, type EventName } from './events';

interface Pending {
  readonly payloads: Array<{ name: string; data: Record<string, unknown> }>;
  readonly events: readonly DomainEvent[];
  readonly done: () => void;
}

/** Events per `inngest.send`: well under the Inngest server's request size limit for this app's small events. */
const MAX_EVENTS_PER_SEND = 500;

/**
 * Sends domain events to Inngest. Each payload is checked against its schema before it leaves. Sending is
 * bounded by `timeoutMs` and never throws into the request path: the state is already in MySQL and a
 * reconciler re-drives anything whose event was lost.
 *
 * Events published in the same turn of the event loop (one hold's `seat.held` and `section.changed`, and every
 * other request that committed in that turn) go out in one `inngest.send`: one request to the Inngest server,
 * and one pass through the SDK's send path, instead of one per call. Each `publish` still resolves only once its
 * events are sent (or have failed and been reported).
 */
export class InngestEventPublisher implements EventPublisher {
  private pending: Pending[] = [];
  private scheduled = false;

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
    return new Promise<void>((done) => {
      this.pending.push({ payloads, events, done });
      if (!this.scheduled) {
        this.scheduled = true;
        // After this turn's I/O callbacks: every request that committed in it joins the same send.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    let batch: Pending[] = [];
    let size = 0;
    for (const item of all) {
      if (size > 0 && size + item.payloads.length > MAX_EVENTS_PER_SEND) {
        void this.send(batch);
        batch = [];
        size = 0;
      }
      batch.push(item);
      size += item.payloads.length;
    }
    if (batch.length) void this.send(batch);
  }

  private async send(batch: Pending[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.inngest.send(batch.flatMap((item) => item.payloads)),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`inngest.send timed out after ${this.timeoutMs} ms`)),
            this.timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      for (const item of batch) this.onError(error, item.events);
    } finally {
      clearTimeout(timer);
      for (const item of batch) item.done();
    }
  }
}
