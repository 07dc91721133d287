'use client';

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { domainCodeOf } from '../lib/errors';
import { setSession } from '../lib/session-store';
import { createApiClient, TRPCProvider } from '../lib/trpc';

/** A rejected session anywhere signs the user out, so every page falls back to its sign-in form. */
function onError(error: unknown, meta: Record<string, unknown> | undefined): void {
  if (meta?.admin) return; // the admin token is not the user's session
  if (domainCodeOf(error) === 'SESSION_INVALID') setSession(null);
}

export function Providers({ apiUrl, children }: { apiUrl: string; children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: (error, query) => onError(error, query.meta) }),
        mutationCache: new MutationCache({ onError: (error, _v, _c, mutation) => onError(error, mutation.meta) }),
        defaultOptions: {
          queries: {
            staleTime: 5_000,
            // Domain errors (4xx) do not heal by retrying; one retry covers a network blip.
            retry: (failureCount, error) => failureCount < 1 && !(error as { data?: unknown }).data,
            refetchOnWindowFocus: false,
          },
        },
      }),
  );
  const [trpcClient] = useState(() => createApiClient(apiUrl));
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
