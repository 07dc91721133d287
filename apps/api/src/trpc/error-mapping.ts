import type { DomainCode } from '@concert/domain';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';

/** The one table that turns a domain code into a tRPC (HTTP) code. Routers never pick codes themselves. */
export const ERROR_MAPPING: Record<DomainCode, TRPC_ERROR_CODE_KEY> = {
  INVALID_INPUT: 'BAD_REQUEST',
  SESSION_INVALID: 'UNAUTHORIZED',
  QUEUE_TOKEN_INVALID: 'UNAUTHORIZED',
  QUEUE_NOT_ACTIVE: 'FORBIDDEN',
  NOT_OWNER: 'FORBIDDEN',
  USER_NOT_FOUND: 'NOT_FOUND',
  CONCERT_NOT_FOUND: 'NOT_FOUND',
  SCHEDULE_NOT_FOUND: 'NOT_FOUND',
  SECTION_NOT_FOUND: 'NOT_FOUND',
  SEAT_NOT_FOUND: 'NOT_FOUND',
  RESERVATION_NOT_FOUND: 'NOT_FOUND',
  PAYMENT_NOT_FOUND: 'NOT_FOUND',
  SEAT_UNAVAILABLE: 'CONFLICT',
  HOLD_LIMIT_REACHED: 'PRECONDITION_FAILED',
  RESERVATION_NOT_PAYABLE: 'PRECONDITION_FAILED',
  INSUFFICIENT_BALANCE: 'PRECONDITION_FAILED',
  IDEMPOTENCY_KEY_REUSED: 'CONFLICT',
  INVALID_TRANSITION: 'CONFLICT',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  DEPENDENCY_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

/**
 * Failures of the request itself, found before any procedure runs (a wrong method, no such procedure, a body of
 * the wrong type or size): stable codes too, so every 4xx carries one. A body or `?input` that is not JSON is
 * `INVALID_INPUT`, like one zod rejects.
 */
export type ProtocolCode =
  | 'METHOD_NOT_SUPPORTED'
  | 'PROCEDURE_NOT_FOUND'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE';

export const PROTOCOL_CODES: Partial<Record<TRPC_ERROR_CODE_KEY, ProtocolCode>> = {
  METHOD_NOT_SUPPORTED: 'METHOD_NOT_SUPPORTED',
  NOT_FOUND: 'PROCEDURE_NOT_FOUND',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};
