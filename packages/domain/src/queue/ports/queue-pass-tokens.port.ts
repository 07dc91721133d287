import type { QueuePass } from '../queue.entity';

/**
 * Signs and verifies queue passes. Verification must be cheap (an in-memory HMAC or a cache hit): it runs on
 * every poll. A token that fails verification yields null, never an exception.
 */
export interface QueuePassTokens {
  sign(pass: QueuePass): string;
  verify(token: string): QueuePass | null;
}
