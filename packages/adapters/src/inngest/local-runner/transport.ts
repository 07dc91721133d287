/**
 * What the local runner answers on the Inngest API paths the SDK calls. The client is built with
 * `fetch: transport.fetch`, so `inngest.send()` (POST `/e/<key>`) and step checkpoints
 * (POST `/v1/checkpoint/<runId>/async`) stay in-process; application code is the same as in server mode.
 */
export interface LocalInngestApi {
  /** Persist events durably and return their ids. Must not resolve before the events are safe. */
  ingest(events: readonly IncomingEvent[]): Promise<string[]>;
  /** Steps the SDK checkpointed while running a request for `runId`. */
  checkpoint(runId: string, steps: readonly unknown[]): Promise<void>;
}

export interface IncomingEvent {
  readonly name: string;
  readonly data?: unknown;
  readonly id?: string;
  readonly ts?: number;
  readonly user?: unknown;
}

/** Origin the client uses in local mode. Never resolved on the network: every call lands in `fetch` below. */
export const LOCAL_INNGEST_ORIGIN = 'http://inngest.local/';

export class LocalInngestTransport {
  private api: LocalInngestApi | undefined;

  /** The runner plugs itself in; until then sends fail (and the bounded publisher logs, reconcilers recover). */
  attach(api: LocalInngestApi): void {
    this.api = api;
  }

  /**
   * Events straight into the runner's durable stream: what `inngest.send` ends in, minus the SDK's HTTP framing
   * (headers, env lookups, Request/Response objects), which a profile put at ~0.4 ms of CPU per send. For the
   * product's event publisher; functions' `step.sendEvent` keeps going through the SDK.
   */
  readonly ingest = async (events: readonly IncomingEvent[]): Promise<string[]> => {
    if (!this.api) throw new Error('local workflow runner not attached');
    return this.api.ingest(events);
  };

  readonly fetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const body = init?.body ?? (input instanceof Request ? await input.text() : undefined);
    const api = this.api;
    if (!api) return json(503, { status: 503, error: 'local workflow runner not attached' });
    try {
      if (url.pathname.startsWith('/e/')) {
        const parsed = JSON.parse(String(body ?? '[]')) as IncomingEvent | IncomingEvent[];
        const events = Array.isArray(parsed) ? parsed : [parsed];
        const ids = await api.ingest(events);
        return json(200, { ids, status: 200 });
      }
      const checkpoint = /^\/v1\/checkpoint\/([^/]+)\/async$/.exec(url.pathname);
      if (checkpoint) {
        const parsed = JSON.parse(String(body ?? '{}')) as { steps?: unknown[] };
        await api.checkpoint(decodeURIComponent(checkpoint[1] as string), parsed.steps ?? []);
        return json(200, {});
      }
      return json(404, { error: `local runner does not implement ${url.pathname}` });
    } catch (error) {
      return json(500, { status: 500, error: (error as Error).message });
    }
  }) as typeof fetch;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
