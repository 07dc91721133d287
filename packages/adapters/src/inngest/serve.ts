import { InngestCommHandler, type InngestFunction } from 'inngest';
import { serve } from 'inngest/edge';
import type { AppInngest } from './client';
import type { InngestFetchHandler, InProcessCall, InProcessHandler, InProcessReply } from './local-runner/local-runner';

export const INNGEST_SERVE_PATH = '/api/inngest';

/**
 * The fetch-style serve handler for /api/inngest (Request in, Response out). Fastify mounts it for the Inngest
 * server (server mode: requests are signed and checked with the signing key). Built once the contexts have
 * registered their functions.
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

/**
 * The same SDK serve logic (`InngestCommHandler`, what every framework adapter wraps) for the local runner's
 * in-process calls, without the WHATWG Request/Response round trip: the body goes in as an object and the reply
 * comes back as plain values. That plumbing was about a tenth of the API's CPU per workflow step in a profile;
 * the protocol itself (SDK_SPEC) is unchanged.
 */
export function createInProcessHandler(
  inngest: AppInngest,
  functions: readonly InngestFunction.Any[],
): InProcessHandler {
  const comm = new InngestCommHandler({
    frameworkName: 'local-runner',
    client: inngest,
    functions: [...functions],
    servePath: INNGEST_SERVE_PATH,
    handler: (call: InProcessCall) => ({
      body: () => call.body,
      headers: (key: string) => IN_PROCESS_HEADERS[key.toLowerCase()] ?? null,
      method: () => 'POST',
      url: () => new URL(`http://127.0.0.1${INNGEST_SERVE_PATH}?${call.query}`),
      transformResponse: ({ body, status, headers }: InProcessReply) => ({ body, status, headers }),
    }),
  });
  return comm.createHandler() as InProcessHandler;
}

const IN_PROCESS_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  host: '127.0.0.1',
};
