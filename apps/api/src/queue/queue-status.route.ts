import { DomainError } from '@concert/domain';
import { getErrorShape, getHTTPStatusCodeFromError, TRPCError } from '@trpc/server/unstable-core-do-not-import';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Container } from '../container';
import { appRouter } from '../trpc/app.router';
import { ERROR_MAPPING } from '../trpc/error-mapping';
import type { Context } from '../trpc/trpc';
import { headerValue, viaTrpc } from '../trpc/trpc-fallback';

const PATH = 'queue.status';

/**
 * A lean route for the hottest request, `GET /trpc/queue.status` (PERFORMANCE.md): the same wire format as the
 * tRPC procedure, byte for byte (success `{"result":{"data":...}}`, errors shaped by the router's own
 * errorFormatter, same HTTP status), without tRPC's Fetch-API machinery, which measured ~8x the cost of the
 * work itself (docs/queue.md). Only the plain form is served here (no input or `{}`, no batching); anything
 * else, and any unexpected failure, is handed to the real tRPC handler, so behaviour never diverges.
 * Register it on the same Fastify instance as the tRPC plugin: the static path wins over `/trpc/:path`.
 */
export function registerQueueStatusFastPath(app: FastifyInstance, container: Container): void {
  const config = appRouter._def._config;

  const sendError = (reply: FastifyReply, ctx: Context, code: keyof typeof ERROR_MAPPING, message: string) => {
    const error = new TRPCError({ code: ERROR_MAPPING[code], message, cause: new DomainError(code, message) });
    const shape = getErrorShape({ config, error, type: 'query', path: PATH, input: undefined, ctx });
    return reply
      .code(getHTTPStatusCodeFromError(error))
      .header('content-type', 'application/json')
      .send(JSON.stringify({ error: shape }));
  };

  app.get(`/trpc/${PATH}`, async (req, reply) => {
    const ctx: Context = {
      container,
      authorization: req.headers.authorization,
      queueToken: headerValue(req.headers['x-queue-token']),
    };
    const query = req.query as Record<string, unknown>;
    const plain = query.batch === undefined && (query.input === undefined || query.input === '{}');
    if (!plain) return viaTrpc(req, reply, ctx);
    try {
      const token = ctx.authorization?.startsWith('Bearer ') ? ctx.authorization.slice(7) : undefined;
      if (!token) return sendError(reply, ctx, 'SESSION_INVALID', 'Missing session token');
      const session = container.sessions.verify(token);
      if (!session) return sendError(reply, ctx, 'SESSION_INVALID', 'Invalid or expired session token');
      const result = await container.queue.status({ userId: session.userId, queueToken: ctx.queueToken });
      if (!result.ok) return sendError(reply, ctx, result.error.code, result.error.message);
      return reply.header('content-type', 'application/json').send(JSON.stringify({ result: { data: result.value } }));
    } catch {
      // Redis down or anything unexpected: the tRPC path maps it (503 DEPENDENCY_UNAVAILABLE, logged 500s).
      return viaTrpc(req, reply, ctx);
    }
  });
}
