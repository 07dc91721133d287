import { type DomainCode, DomainError, isDomainError, type Result } from '@concert/domain';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import type { Session } from '../auth/session-tokens';
import type { Container } from '../container';

export type { Session };

import { ERROR_MAPPING } from './error-mapping';

export interface Context {
  readonly container: Container;
  /** Raw headers we care about; parsed lazily by the procedures that need them. */
  readonly authorization: string | undefined;
  readonly queueToken: string | undefined;
}

/** Throws the tRPC error for a domain code, carrying the code so the formatter can expose it. */
export function fail(code: DomainCode, message?: string): never {
  throw new TRPCError({ code: ERROR_MAPPING[code], message: message ?? code, cause: new DomainError(code, message) });
}

/** Thin routers: a use case returns a Result; this maps the failure through the one table. */
export function unwrapOrThrow<T>(result: Result<T, DomainError | { code: DomainCode; message?: string }>): T {
  if (result.ok) return result.value;
  return fail(result.error.code, result.error.message);
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

function domainCodeOf(error: TRPCError): DomainCode | null {
  const cause = error.cause;
  if (error.code === 'BAD_REQUEST' && cause instanceof ZodError) return 'INVALID_INPUT';
  if (cause && isDomainError(cause)) return cause.code;
  return null;
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const domainCode = domainCodeOf(error);
    return {
      ...shape,
      message: domainCode === 'INVALID_INPUT' ? 'Invalid input' : shape.message,
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

/** Maps infrastructure failures thrown below a procedure to 503 instead of letting them surface as 500s. */
const dependencyGuard = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause as { code?: string; name?: string; message?: string } | undefined;
    const code = cause?.code ?? '';
    const redisDown =
      cause?.name === 'MaxRetriesPerRequestError' ||
      /Connection is closed|Stream isn't writeable/.test(cause?.message ?? '');
    if (DEPENDENCY_ERRORS.has(code) || redisDown) {
      throw new TRPCError({
        code: 'SERVICE_UNAVAILABLE',
        message: 'A dependency (MySQL or Redis) is unavailable',
        cause: new DomainError('DEPENDENCY_UNAVAILABLE'),
      });
    }
  }
  return result;
});

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(dependencyGuard);

/** Requires a valid session token (`authorization: Bearer ...`). Verification is a signature check, no DB hit. */
export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const token = ctx.authorization?.startsWith('Bearer ') ? ctx.authorization.slice(7) : undefined;
  if (!token) return fail('SESSION_INVALID', 'Missing session token');
  const session = await ctx.container.sessions.verify(token);
  if (!session) return fail('SESSION_INVALID', 'Invalid or expired session token');
  return next({ ctx: { ...ctx, session } });
});

export const adminProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const expected = ctx.container.env.ADMIN_TOKEN;
  const token = ctx.authorization?.startsWith('Bearer ') ? ctx.authorization.slice(7) : undefined;
  if (!expected || token !== expected) return fail('SESSION_INVALID', 'Admin token required');
  return next();
});
