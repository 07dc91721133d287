import { type DomainCode, DomainError } from '@concert/domain';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import {
  getErrorShape,
  getHTTPStatusCodeFromError,
  getTRPCErrorFromUnknown,
  TRPCError,
} from '@trpc/server/unstable-core-do-not-import';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Container } from '../container';
import { appRouter } from './app.router';
import { ERROR_MAPPING } from './error-mapping';
import { type Context, dependencyFailure, retryAfterHeader } from './trpc';

/**
 * The toolkit of the lean routes (queue.status, queue.enter, catalog reads, reservation.hold): they answer the
 * plain form of a hot procedure themselves, in tRPC's exact wire format, and hand anything else to the real tRPC
 * handler.
 */

/**
 * Hands a request that a lean route chose not to answer itself (batches, invalid input, unexpected failures) to
 * the real tRPC handler, so every edge case behaves exactly as tRPC defines it. `body`: the raw body of a POST.
 */
export async function viaTrpc(req: FastifyRequest, reply: FastifyReply, ctx: Context, body?: string) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const res = await fetchRequestHandler({
    endpoint: '/trpc',
    req: new Request(`http://${req.headers.host ?? 'localhost'}${req.url}`, {
      method: req.method,
      headers,
      ...(req.method === 'GET' ? {} : { body: body ?? '' }),
    }),
    router: appRouter,
    createContext: () => ctx,
  });
  reply.code(res.status);
  res.headers.forEach((value, name) => {
    reply.header(name, value);
  });
  return reply.send(await res.text());
}

/** `{"result":{"data":...}}`, as tRPC answers a successful non-batched call. */
export function sendTrpcData(reply: FastifyReply, data: unknown) {
  return reply.header('content-type', 'application/json').send(JSON.stringify({ result: { data } }));
}

export interface LeanCall {
  readonly ctx: Context;
  readonly path: string;
  readonly type: 'query' | 'mutation';
  readonly input: unknown;
}

/** The tRPC context of a request, from its headers: the plugin's createContext and every lean route. */
export function requestContext(container: Container, headers: Record<string, string | string[] | undefined>): Context {
  return {
    container,
    authorization: headerValue(headers.authorization),
    queueToken: headerValue(headers['x-queue-token']),
  };
}

/** A domain failure shaped by the router's own errorFormatter, with the HTTP status tRPC would give it. */
export function sendTrpcError(
  reply: FastifyReply,
  call: LeanCall,
  code: DomainCode,
  message: string,
  details?: Readonly<Record<string, unknown>>,
) {
  const cause = new DomainError(code, message, details);
  return sendTrpcFailure(reply, call, new TRPCError({ code: ERROR_MAPPING[code], message, cause }));
}

/** Any tRPC error as the HTTP handler answers it: formatted shape, status, Retry-After, 500s logged. */
export function sendTrpcFailure(reply: FastifyReply, call: LeanCall, error: TRPCError) {
  if (error.code === 'INTERNAL_SERVER_ERROR')
    reply.log.error({ err: error.cause ?? error, path: call.path }, 'procedure failed');
  const shape = getErrorShape({ config: appRouter._def._config, error, ...call });
  const retryAfter = retryAfterHeader(error.cause);
  if (retryAfter) reply.header('retry-after', retryAfter);
  return reply
    .code(getHTTPStatusCodeFromError(error))
    .header('content-type', 'application/json')
    .send(JSON.stringify({ error: shape }));
}

/**
 * Runs a lean route's work and answers in tRPC's wire format, success or failure: a thrown failure as the
 * procedure would have answered it (MySQL or Redis unreachable: 503; anything unexpected: a logged 500). For a
 * mutation that must run at most once (a hold): a failure is never handed to `viaTrpc`, which would run it again.
 */
export async function answerDirectly(reply: FastifyReply, call: LeanCall, run: () => Promise<unknown>) {
  try {
    return sendTrpcData(reply, await run());
  } catch (cause) {
    return sendTrpcFailure(reply, call, dependencyFailure(cause) ?? getTRPCErrorFromUnknown(cause));
  }
}

/**
 * Registers the lean route of a mutation, `POST /trpc/<path>`, in its own scope where the body stays a raw string,
 * so a malformed one reaches tRPC unchanged (its PARSE_ERROR, not Fastify's JSON parser error). A batch and a
 * body that is not JSON go to the tRPC handler; `answer` gets the parsed body and `delegate`, which does the same.
 */
export function registerLeanMutation(
  app: FastifyInstance,
  container: Container,
  path: string,
  answer: (json: unknown, ctx: Context, reply: FastifyReply, delegate: () => Promise<unknown>) => Promise<unknown>,
): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post(`/trpc/${path}`, async (req, reply) => {
      const ctx = requestContext(container, req.headers);
      const body = typeof req.body === 'string' ? req.body : '';
      const delegate = () => viaTrpc(req, reply, ctx, body);
      if ((req.query as Record<string, unknown>).batch !== undefined) return delegate();
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return delegate();
      }
      return answer(json, ctx, reply, delegate);
    });
  });
}

/** The first value of a header that may repeat. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The tRPC codes of Fastify's own refusals of a request (before any handler runs), by HTTP status. */
const REFUSALS: Readonly<Record<number, 'BAD_REQUEST' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE'>> = {
  400: 'BAD_REQUEST',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * Fastify's error handler: a `/trpc/...` request that Fastify itself refused (a body over `bodyLimit`, say) is
 * answered in tRPC's shape, with its code, like every other failure there. Anything else as Fastify would.
 */
export function registerTrpcRefusals(app: FastifyInstance, container: Container): void {
  app.setErrorHandler((error: Error & { statusCode?: number }, req, reply) => {
    const code = REFUSALS[error.statusCode ?? 500];
    if (!code || !req.url.startsWith('/trpc/')) return reply.send(error);
    const path = req.url.slice('/trpc/'.length).split('?')[0] ?? '';
    const call: LeanCall = {
      ctx: requestContext(container, req.headers),
      path,
      type: req.method === 'GET' ? 'query' : 'mutation',
      input: undefined,
    };
    return sendTrpcFailure(reply, call, new TRPCError({ code, message: error.message }));
  });
}
