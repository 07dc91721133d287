import { type DomainCode, DomainError, isDomainError, passOf, type Result } from '@concert/domain';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import { bearerToken, type Session } from '../auth/session-tokens';
import type { Container } from '../container';

export type { Session };

import { ERROR_MAPPING, PROTOCOL_CODES, type ProtocolCode } from './error-mapping';

export interface Context {
  readonly container: Container;
  /** Raw headers we care about; parsed lazily by the procedures that need them. */
  readonly authorization: string | undefined;
  readonly queueToken: string | undefined;
}

/** Throws the tRPC error for a domain code, carrying the code (and details) so the formatter can expose it. */
export function fail(code: DomainCode, message?: string, details?: Readonly<Record<string, unknown>>): never {
  throw new TRPCError({
    code: ERROR_MAPPING[code],
    message: message ?? code,
    cause: new DomainError(code, message, details),
  });
}

/**
 * `Retry-After` (whole seconds, rounded up) for a failure that says when to come back, e.g. RATE_LIMITED's
 * `retryAfterMs`: what HTTP clients and proxies understand without reading the body.
 */
export function retryAfterHeader(cause: unknown): string | undefined {
  const ms = isDomainError(cause) ? cause.details?.retryAfterMs : undefined;
  return typeof ms === 'number' && ms > 0 ? String(Math.ceil(ms / 1000)) : undefined;
}

/** Thin routers: a use case returns a Result; this maps the failure through the one table. */
export function unwrapOrThrow<T>(result: Result<T, DomainError | { code: DomainCode; message?: string }>): T {
  if (result.ok) return result.value;
  const { code, message } = result.error;
  return fail(code, message, isDomainError(result.error) ? result.error.details : undefined);
}

/** Errors that mean MySQL or Redis is unreachable; they become 503 DEPENDENCY_UNAVAILABLE, not 500. */
const DEPENDENCY_ERRORS = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'PROTOCOL_CONNECTION_LOST',
  'ENOTFOUND',
  'EPIPE',
  'ECONNRESET',
]);

/** Our failures carry their domain code; tRPC's own (before any procedure runs) get one from the request's fault. */
function domainCodeOf(error: TRPCError): DomainCode | ProtocolCode | null {
  const cause = error.cause;
  if (cause && isDomainError(cause)) return cause.code;
  // zod's rejection, a body or `?input` that is not JSON, a malformed batch: all bad input.
  if (error.code === 'BAD_REQUEST' || error.code === 'PARSE_ERROR') return 'INVALID_INPUT';
  return PROTOCOL_CODES[error.code] ?? null;
}

/** zod's details go in `zodError`; a body that did not even parse says why in the message. */
function messageOf(error: TRPCError, domainCode: DomainCode | ProtocolCode | null, message: string): string {
  if (domainCode !== 'INVALID_INPUT' || isDomainError(error.cause)) return message;
  return error.cause instanceof ZodError ? 'Invalid input' : `Invalid input: ${message}`;
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const domainCode = domainCodeOf(error);
    return {
      ...shape,
      message: messageOf(error, domainCode, shape.message),
      data: {
        ...shape.data,
        // Never leak stack traces over the wire.
        stack: undefined,
        domainCode,
        zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
      },
    };
  },
});

/**
 * The 503 DEPENDENCY_UNAVAILABLE that a failure thrown below a procedure becomes when it means MySQL or Redis is
 * unreachable, or null for any other failure.
 */
export function dependencyFailure(cause: unknown): TRPCError | null {
  const error = cause as { code?: string; name?: string; message?: string } | undefined;
  const redisDown =
    error?.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|Stream isn't writeable/.test(error?.message ?? '');
  if (!DEPENDENCY_ERRORS.has(error?.code ?? '') && !redisDown) return null;
  return new TRPCError({
    code: 'SERVICE_UNAVAILABLE',
    message: 'A dependency (MySQL or Redis) is unavailable',
    cause: new DomainError('DEPENDENCY_UNAVAILABLE'),
  });
}

/** Maps infrastructure failures thrown below a procedure to 503 instead of letting them surface as 500s. */
const dependencyGuard = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const unavailable = dependencyFailure(result.error.cause);
    if (unavailable) throw unavailable;
  }
  return result;
});

export const router = t.router;
export const middleware = t.middleware;
export const publicProcedure = t.procedure.use(dependencyGuard);

/** Requires a valid session token (`authorization: Bearer ...`). Verification is a signature check, no DB hit. */
export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const auth = ctx.container.sessions.authenticate(ctx.authorization);
  if ('error' in auth) return fail('SESSION_INVALID', auth.error);
  return next({ ctx: { ...ctx, session: auth.session } });
});

/**
 * S+Q procedures (holds, payments): a session plus an `x-queue-token` that is genuine and the caller's, checked
 * in memory here. The concert is only known once the handler has loaded the seat or reservation, so the
 * handler then calls `requireActivePass(ctx, concertId)` (or passes `activePassCheck(ctx)` to a use case).
 */
export const queueActiveProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  const queuePass = passOf(ctx.container.queue.tokens, ctx.queueToken, ctx.session.userId);
  if (!queuePass) return fail('QUEUE_TOKEN_INVALID', QUEUE_PASS_INVALID);
  return next({ ctx: { ...ctx, queuePass } });
});

/** QUEUE_TOKEN_INVALID's message when the `x-queue-token` is missing, forged or someone else's. */
export const QUEUE_PASS_INVALID = 'Queue token missing, invalid or not yours';

export type QueueCtx = Pick<Context, 'container' | 'queueToken'> & { readonly session: Session };

/**
 * The pass must be for `concertId` (else QUEUE_TOKEN_INVALID) and ACTIVE now (else QUEUE_NOT_ACTIVE); throws
 * the mapped tRPC error. One Redis round trip.
 */
export async function requireActivePass(ctx: QueueCtx, concertId: number): Promise<{ activeUntil: Date }> {
  const { activeUntil } = unwrapOrThrow(
    await ctx.container.queue.requireActive({ userId: ctx.session.userId, queueToken: ctx.queueToken, concertId }),
  );
  return { activeUntil };
}

/** The same check as a value, for use cases that take an access hook (e.g. holdSeat's `checkAccess`). */
export function activePassCheck(ctx: QueueCtx) {
  return async (concertId: number): Promise<DomainError<'QUEUE_TOKEN_INVALID' | 'QUEUE_NOT_ACTIVE'> | null> => {
    const result = await ctx.container.queue.requireActive({
      userId: ctx.session.userId,
      queueToken: ctx.queueToken,
      concertId,
    });
    return result.ok ? null : result.error;
  };
}

export const adminProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const expected = ctx.container.env.ADMIN_TOKEN;
  const token = bearerToken(ctx.authorization);
  if (!expected || token !== expected) return fail('SESSION_INVALID', 'Admin token required');
  return next();
});
