import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appRouter } from './app.router';
import type { Context } from './trpc';

/**
 * Hands a GET that a lean route (queue.status, catalog reads) chose not to answer itself (batches, invalid
 * input, unexpected failures) to the real tRPC handler, so every edge case behaves exactly as tRPC defines it.
 */
export async function viaTrpc(req: FastifyRequest, reply: FastifyReply, ctx: Context) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const res = await fetchRequestHandler({
    endpoint: '/trpc',
    req: new Request(`http://${req.headers.host ?? 'localhost'}${req.url}`, { method: 'GET', headers }),
    router: appRouter,
    createContext: () => ctx,
  });
  reply.code(res.status);
  res.headers.forEach((value, name) => {
    reply.header(name, value);
  });
  return reply.send(await res.text());
}

/** The first value of a header that may repeat. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
