/** A tiny plain-JSON tRPC client over fetch (API.md: no transformer), for API tests and the hold benchmark. */
export interface TrpcReply<T = unknown> {
  readonly status: number;
  readonly data?: T;
  readonly error?: { code: string; httpStatus: number; domainCode: string | null };
  readonly ms: number;
}

export interface CallOptions {
  readonly session?: string;
  readonly queueToken?: string;
}

export async function trpc<T = unknown>(
  baseUrl: string,
  kind: 'query' | 'mutation',
  path: string,
  input: unknown,
  options: CallOptions = {},
): Promise<TrpcReply<T>> {
  const headers: Record<string, string> = {};
  if (options.session) headers.authorization = `Bearer ${options.session}`;
  if (options.queueToken) headers['x-queue-token'] = options.queueToken;
  const started = performance.now();
  const res =
    kind === 'query'
      ? await fetch(`${baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input ?? {}))}`, { headers })
      : await fetch(`${baseUrl}/trpc/${path}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(input ?? {}),
        });
  const body = (await res.json()) as { result?: { data: T }; error?: { data: TrpcReply['error'] } };
  return { status: res.status, data: body.result?.data, error: body.error?.data, ms: performance.now() - started };
}

export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Signs `userId` in and brings their pass for `concertId` to ACTIVE (the queue admits on its own tick). */
export async function signInWithActivePass(
  baseUrl: string,
  userId: number,
  concertId: number,
  timeoutMs = 60_000,
): Promise<{ session: string; queueToken: string }> {
  const signIn = await trpc<{ sessionToken: string }>(baseUrl, 'mutation', 'auth.devSignIn', { userId });
  if (!signIn.data) throw new Error(`devSignIn ${userId}: ${JSON.stringify(signIn.error)}`);
  const session = signIn.data.sessionToken;
  const queueToken = await enterQueue(baseUrl, session, concertId);
  await pollUntil(
    `user ${userId} ACTIVE`,
    async () => {
      const status = await trpc<{ status: string }>(baseUrl, 'query', 'queue.status', {}, { session, queueToken });
      return status.data?.status === 'ACTIVE';
    },
    timeoutMs,
    200,
  );
  return { session, queueToken };
}

export async function enterQueue(baseUrl: string, session: string, concertId: number): Promise<string> {
  const entered = await trpc<{ queueToken: string }>(baseUrl, 'mutation', 'queue.enter', { concertId }, { session });
  if (!entered.data) throw new Error(`queue.enter: ${JSON.stringify(entered.error)}`);
  return entered.data.queueToken;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
