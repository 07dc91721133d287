'use client';

import { type UseQueryOptions, useMutation, useQuery } from '@tanstack/react-query';
import { type ApiInput, type ApiOutput, useApi } from './api';
import type { ProcedurePath } from './contract';
import type { RequestContext } from './trpc';

/** Query key of a wrapper call; `['api', path]` is the prefix to invalidate every call of one procedure. */
export function apiKey<P extends ProcedurePath>(path: P, input?: ApiInput<P>): readonly unknown[] {
  return input === undefined ? ['api', path] : ['api', path, input];
}

type QueryOpts<P extends ProcedurePath> = Omit<UseQueryOptions<ApiOutput<P>>, 'queryKey' | 'queryFn'> & {
  context?: RequestContext;
};

/** `useQuery` over the typed wrapper (for procedures addressed by path). */
export function useApiQuery<P extends ProcedurePath>(path: P, input: ApiInput<P>, options: QueryOpts<P> = {}) {
  const api = useApi();
  const { context, ...rest } = options;
  return useQuery<ApiOutput<P>>({
    queryKey: apiKey(path, input),
    queryFn: () => api(path, input, context),
    ...rest,
  });
}

export function useApiMutation<P extends ProcedurePath>(path: P, context?: RequestContext) {
  const api = useApi();
  return useMutation<ApiOutput<P>, Error, ApiInput<P>>({
    mutationFn: (input) => api(path, input, context),
  });
}
