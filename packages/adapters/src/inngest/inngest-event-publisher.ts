import type { DomainEvent, EventPublisher } from '@concert/domain';
import type { AppInngest } from './client';
import { EVENT_SCHEMAS, type EventName } from './events';

export interface EventPayload {
  readonly name: string;
  readonly data: Record<string, unknown>;
}

/** Where events go: `inngest.send` (server mode), or the local runner's `transport.ingest` (local mode). */
export type SendEvents = (payloads: EventPayload[]) => Promise<unknown>;

/** The sink for this client: in-process when it was built on a local transport, else the SDK's send. */
export function eventSink(inngest: AppInngest, local?: { ingest: SendEvents }): SendEvents {
  return local ? (payloads) => local.ingest(payloads) : (payloads) => inngest.send(payloads);
}

interface Pending {
  readonly payloads: EventPayload[];
  readonly events: readonly DomainEvent[];
  readonly done: () => void;
}

/** Events per `inngest.send`: well under the Inngest server's request size limit for this app's small events. */
const MAX_EVENTS_PER_SEND = 500;

/**
 * Sends domain events to Inngest (through `send`, see `eventSink`). Each payload is checked against its schema
 * before it leaves. Sending is bounded by `timeoutMs` and never throws into the request path: the state is
 * already in MySQL and a reconciler re-drives anything whose event was lost.
 *
 * Events published in the same turn of the event loop (one hold's `seat.held` and `section.changed`, and every
 * other request that committed in that turn) go out in one send: one request to the Inngest server (or one
 * Redis round trip to the local runner's stream) instead of one per call. Each `publish` still resolves only
 * once its events are sent (or have failed and been reported).
 */
export class InngestEventPublisher implements EventPublisher {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly send: SendEvents,
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
        void this.deliver(batch);
        batch = [];
        size = 0;
      }
      batch.push(item);
      size += item.payloads.length;
    }
    if (batch.length) void this.deliver(batch);
  }

  private async deliver(batch: Pending[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.send(batch.flatMap((item) => item.payloads)),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`sending events timed out after ${this.timeoutMs} ms`)),
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
