import { TRPCClientError } from '@trpc/client';

/** What the UI shows for each stable domain code (API.md, "Error codes"). */
const MESSAGES: Record<string, string> = {
  INVALID_INPUT: 'Some of the input is not valid.',
  SESSION_INVALID: 'Your session is missing or has expired. Please sign in again.',
  QUEUE_TOKEN_INVALID: 'Your waiting-room pass is not valid for this concert. Please join the waiting room again.',
  QUEUE_NOT_ACTIVE: 'It is not your turn yet (or your turn has ended).',
  NOT_OWNER: 'That belongs to another user.',
  USER_NOT_FOUND: 'No user with that id.',
  CONCERT_NOT_FOUND: 'This concert does not exist.',
  SCHEDULE_NOT_FOUND: 'This date does not exist.',
  SECTION_NOT_FOUND: 'This section does not exist.',
  SEAT_NOT_FOUND: 'This seat does not exist.',
  RESERVATION_NOT_FOUND: 'This reservation does not exist.',
  PAYMENT_NOT_FOUND: 'This payment does not exist.',
  SEAT_UNAVAILABLE: 'Someone else just took that seat. Please pick another one.',
  HOLD_LIMIT_REACHED: 'You already hold the most seats allowed for this date.',
  RESERVATION_NOT_PAYABLE: 'This hold can no longer be paid (it expired or was released).',
  INSUFFICIENT_BALANCE: 'Your wallet balance is too low. Charge your wallet and try again.',
  IDEMPOTENCY_KEY_REUSED: 'This request was already used for something else. Please try again.',
  RATE_LIMITED: 'Too many requests. Please slow down a little.',
  DEPENDENCY_UNAVAILABLE: 'The service is temporarily unavailable. Please try again shortly.',
};

export interface DescribedError {
  code: string | null;
  message: string;
}

export function domainCodeOf(error: unknown): string | null {
  if (error instanceof TRPCClientError) {
    const data = error.data as { domainCode?: string | null; code?: string } | undefined;
    return data?.domainCode ?? null;
  }
  return null;
}

/** `overrides` reword a code where the generic text would mislead (e.g. SESSION_INVALID on the admin page). */
export function describeError(error: unknown, overrides: Record<string, string> = {}): DescribedError {
  const code = domainCodeOf(error);
  if (code) return { code, message: overrides[code] ?? MESSAGES[code] ?? (error as Error).message };
  if (error instanceof TRPCClientError) {
    const trpcCode = (error.data as { code?: string } | undefined)?.code;
    if (trpcCode === 'NOT_FOUND' && /No procedure found/i.test(error.message)) {
      return { code: 'NOT_AVAILABLE', message: 'This part of the service is not available yet.' };
    }
    if (!error.data) return { code: 'NETWORK', message: 'Cannot reach the server. Check your connection.' };
    return { code: trpcCode ?? null, message: error.message };
  }
  return { code: null, message: error instanceof Error ? error.message : String(error) };
}
