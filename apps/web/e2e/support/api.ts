import type { APIRequestContext } from '@playwright/test';
import { E2E_API_URL } from './ports';

/**
 * Direct API calls from tests (plain JSON over tRPC's HTTP shape), for arranging state a second user causes,
 * e.g. taking a seat out from under the browser user.
 */
export async function trpcCall<T>(
  request: APIRequestContext,
  kind: 'query' | 'mutation',
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const url = `${E2E_API_URL}/trpc/${path}`;
  const res =
    kind === 'query'
      ? await request.get(`${url}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
      : await request.post(url, { data: input, headers });
  const body = (await res.json()) as { result?: { data: T }; error?: { message: string; data?: unknown } };
  if (!res.ok() || !body.result) throw new Error(`${path} failed: ${res.status()} ${JSON.stringify(body.error)}`);
  return body.result.data;
}

export async function signIn(request: APIRequestContext, userId: number): Promise<string> {
  const { sessionToken } = await trpcCall<{ sessionToken: string }>(request, 'mutation', 'auth.devSignIn', { userId });
  return sessionToken;
}

/** Enter the queue and poll (honoring pollAfterMs) until ACTIVE; returns the pass. */
export async function becomeActive(
  request: APIRequestContext,
  sessionToken: string,
  concertId: number,
  timeoutMs = 80_000,
): Promise<string> {
  const auth = { authorization: `Bearer ${sessionToken}` };
  const entered = await trpcCall<{ queueToken: string; status: string; pollAfterMs: number }>(
    request,
    'mutation',
    'queue.enter',
    { concertId },
    auth,
  );
  let status = entered.status;
  let wait = entered.pollAfterMs;
  const deadline = Date.now() + timeoutMs;
  while (status !== 'ACTIVE') {
    if (Date.now() > deadline) throw new Error(`pass for concert ${concertId} not ACTIVE after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, wait));
    const next = await trpcCall<{ status: string; pollAfterMs: number }>(
      request,
      'query',
      'queue.status',
      {},
      {
        ...auth,
        'x-queue-token': entered.queueToken,
      },
    );
    status = next.status;
    wait = next.pollAfterMs;
  }
  return entered.queueToken;
}

/** Whether the running API has a procedure yet (others build parts of it in parallel). */
export async function hasProcedure(request: APIRequestContext, path: string): Promise<boolean> {
  const res = await request.get(`${E2E_API_URL}/trpc/${path}?input=${encodeURIComponent('{}')}`);
  if (res.status() !== 404) return true;
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  return !/No procedure found/i.test(body.error?.message ?? '');
}
