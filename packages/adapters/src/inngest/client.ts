import { Inngest } from 'inngest';
import { LOCAL_INNGEST_ORIGIN } from './local-runner/transport';

export interface InngestConfig {
  readonly mode: 'local' | 'server';
  /** Server mode: the Inngest server (event API and executor). Local mode: ignored unless given (in-process). */
  readonly baseUrl?: string;
  readonly eventKey?: string;
  readonly signingKey?: string;
  /** Local mode: the runner's transport fetch, so `inngest.send` and checkpoints stay in-process. */
  readonly fetch?: typeof fetch;
}

/** The one Inngest client of the product. Application code sends events through it in both modes. */
export function createInngest(config: InngestConfig) {
  const baseUrl = config.baseUrl ?? (config.mode === 'local' ? LOCAL_INNGEST_ORIGIN : undefined);
  return new Inngest({
    id: 'concert-reservation',
    // Server mode with a signing key: a self-hosted server or Inngest Cloud, every request to /api/inngest signed
    // and checked. Without one: the inngest dev server (unsigned). Local mode: the in-process runner (unsigned).
    isDev: config.mode === 'local' || !config.signingKey,
    ...(baseUrl ? { baseUrl } : {}),
    eventKey: config.eventKey ?? 'local',
    ...(config.signingKey ? { signingKey: config.signingKey } : {}),
    ...(config.fetch ? { fetch: config.fetch } : {}),
  });
}

export type AppInngest = ReturnType<typeof createInngest>;
