/** Minimal plain-JSON tRPC calls over HTTP (API.md wire format), for the queue's API tests and benchmark. */
export interface Reply<T = Record<string, unknown>> {
  readonly status: number;
  readonly data?: T;
  readonly error?: { code: string; httpStatus: number; domainCode: string | null; zodError: unknown };
}

export async function trpc<T = Record<string, unknown>>(
  base: string,
  kind: 'query' | 'mutation',
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const url =
    kind === 'query'
      ? `${base}/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`
      : `${base}/${path}`;
  const res = await fetch(url, {
    method: kind === 'query' ? 'GET' : 'POST',
    headers: { ...(kind === 'mutation' ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(kind === 'mutation' ? { body: JSON.stringify(input ?? {}) } : {}),
  });
  const body = (await res.json()) as { result?: { data: T }; error?: { data: Reply['error'] } };
  return { status: res.status, data: body.result?.data, error: body.error?.data };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
