import type { InngestFunction } from 'inngest';
import { serve } from 'inngest/edge';
import type { AppInngest } from './client';
import type { InngestFetchHandler } from './local-runner/local-runner';

export const INNGEST_SERVE_PATH = '/api/inngest';

/**
 * The fetch-style serve handler for /api/inngest (Request in, Response out). Fastify mounts it for the Inngest
 * server (server mode: requests are signed and checked with the signing key); the local runner calls the very
 * same handler in-process. Built once the contexts have registered their functions.
 */
export function createInngestHandler(
  inngest: AppInngest,
  functions: readonly InngestFunction.Any[],
  options: { serveOrigin?: string } = {},
): InngestFetchHandler {
  return serve({
    client: inngest,
    functions: [...functions],
    servePath: INNGEST_SERVE_PATH,
    ...(options.serveOrigin ? { serveOrigin: options.serveOrigin } : {}),
  }) as InngestFetchHandler;
}
