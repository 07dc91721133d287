import { Inngest } from 'inngest';

export interface InngestConfig {
  readonly mode: 'local' | 'server';
  /** Server mode: the Inngest server (event API and executor). Local mode: the API's own origin, where the runner listens. */
  readonly baseUrl?: string;
  readonly eventKey?: string;
  readonly signingKey?: string;
  /** Lets the local runner take `inngest.send` in-process instead of over TCP. */
  readonly fetch?: typeof fetch;
}

/** The one Inngest client of the product. Application code sends events through it in both modes. */
export function createInngest(config: InngestConfig) {
  return new Inngest({
    id: 'concert-reservation',
    isDev: config.mode === 'local',
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    ...(config.eventKey ? { eventKey: config.eventKey } : { eventKey: 'local' }),
    ...(config.signingKey ? { signingKey: config.signingKey } : {}),
    ...(config.fetch ? { fetch: config.fetch } : {}),
  });
}

export type AppInngest = ReturnType<typeof createInngest>;
