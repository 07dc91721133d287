/**
 * Every expected failure of the product has one of these stable codes. The API maps each to a tRPC code in
 * exactly one table (apps/api/src/trpc/error-mapping.ts); clients branch on them, so never rename one.
 */
export const DOMAIN_CODES = [
  'INVALID_INPUT',
  'SESSION_INVALID',
  'QUEUE_TOKEN_INVALID',
  'QUEUE_NOT_ACTIVE',
  'NOT_OWNER',
  'USER_NOT_FOUND',
  'CONCERT_NOT_FOUND',
  'SCHEDULE_NOT_FOUND',
  'SECTION_NOT_FOUND',
  'SEAT_NOT_FOUND',
  'RESERVATION_NOT_FOUND',
  'PAYMENT_NOT_FOUND',
  'SEAT_UNAVAILABLE',
  'HOLD_LIMIT_REACHED',
  'RESERVATION_NOT_PAYABLE',
  'INSUFFICIENT_BALANCE',
  'IDEMPOTENCY_KEY_REUSED',
  'INVALID_TRANSITION',
  'RATE_LIMITED',
  'DEPENDENCY_UNAVAILABLE',
] as const;

export type DomainCode = (typeof DOMAIN_CODES)[number];

export class DomainError<C extends DomainCode = DomainCode> extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: C,
    message: string = code,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export const domainError = <C extends DomainCode>(code: C, message?: string, details?: Record<string, unknown>) =>
  new DomainError(code, message, details);

export const isDomainError = (value: unknown): value is DomainError =>
  value instanceof DomainError || (value instanceof Error && value.name === 'DomainError' && 'code' in value);
