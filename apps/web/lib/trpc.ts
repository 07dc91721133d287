'use client';

import type { AppRouter } from '@concert/api';
import { createTRPCClient, httpBatchLink, httpLink, splitLink, type TRPCClient } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { getSession } from './session-store';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * Per-call credentials that differ from the signed-in session: the waiting-room pass of one concert, or the
 * admin token. Passed as tRPC operation context (`trpc: { context }` in query options, or the wrapper's ctx).
 */
export interface RequestContext extends Record<string, unknown> {
  queueToken?: string | null;
  authorization?: string | null;
}

function sessionHeaders(): Record<string, string> {
  const session = getSession();
  return session ? { authorization: `Bearer ${session.sessionToken}` } : {};
}

/** `http://host:3001` or `http://host:3001/trpc` -> `http://host:3001/trpc`. */
export function trpcUrl(apiUrl: string): string {
  const base = apiUrl.replace(/\/+$/, '');
  return base.endsWith('/trpc') ? base : `${base}/trpc`;
}

/**
 * Calls with their own credentials go unbatched (headers are per HTTP request); everything else is batched with
 * the session header. No transformer: the API speaks plain JSON.
 */
export function createApiClient(apiUrl: string): TRPCClient<AppRouter> {
  const url = trpcUrl(apiUrl);
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => {
          const ctx = op.context as RequestContext;
          return Boolean(ctx.queueToken || ctx.authorization);
        },
        true: httpLink({
          url,
          headers: ({ op }) => {
            const ctx = op.context as RequestContext;
            const headers: Record<string, string> = ctx.authorization
              ? { authorization: ctx.authorization }
              : sessionHeaders();
            if (ctx.queueToken) headers['x-queue-token'] = ctx.queueToken;
            return headers;
          },
        }),
        false: httpBatchLink({ url, headers: sessionHeaders, maxURLLength: 2_000 }),
      }),
    ],
  });
}
