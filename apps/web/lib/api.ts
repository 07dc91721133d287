'use client';

import type { AppRouter } from '@concert/api';
import { getUntypedClient, type TRPCClient } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { useMemo } from 'react';
import { type ContractProc, PROCEDURE_KINDS, type ProcedurePath } from './contract';
import { type RequestContext, useTRPCClient } from './trpc';

type RouterIn = inferRouterInputs<AppRouter>;
type RouterOut = inferRouterOutputs<AppRouter>;

/**
 * Input/output of a procedure: the real AppRouter types when the router has the procedure, else the local
 * contract from API.md. So procedures other engineers are still building typecheck today and switch to the
 * router's own types (and catch any drift from the contract) the moment they are merged.
 */
export type ApiInput<P extends ProcedurePath> = P extends `${infer NS}.${infer N}`
  ? NS extends keyof RouterIn
    ? N extends keyof RouterIn[NS]
      ? RouterIn[NS][N]
      : ContractProc<P>['input']
    : ContractProc<P>['input']
  : never;

export type ApiOutput<P extends ProcedurePath> = P extends `${infer NS}.${infer N}`
  ? NS extends keyof RouterOut
    ? N extends keyof RouterOut[NS]
      ? RouterOut[NS][N]
      : ContractProc<P>['output']
    : ContractProc<P>['output']
  : never;

export type ApiCall = <P extends ProcedurePath>(
  path: P,
  input: ApiInput<P>,
  ctx?: RequestContext,
) => Promise<ApiOutput<P>>;

/** A thin typed wrapper over the same tRPC client (same links, same headers) addressed by path. */
export function createApiCall(client: TRPCClient<AppRouter>): ApiCall {
  const untyped = getUntypedClient(client);
  return (path, input, ctx) => {
    const opts = ctx ? { context: ctx } : undefined;
    const call =
      PROCEDURE_KINDS[path] === 'query' ? untyped.query(path, input, opts) : untyped.mutation(path, input, opts);
    return call as Promise<ApiOutput<typeof path>>;
  };
}

export function useApi(): ApiCall {
  const client = useTRPCClient();
  return useMemo(() => createApiCall(client), [client]);
}
