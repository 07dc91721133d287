import { DomainError } from '../shared';

export type InsufficientBalance = DomainError<'INSUFFICIENT_BALANCE'>;
export type IdempotencyKeyReused = DomainError<'IDEMPOTENCY_KEY_REUSED'>;
export type InvalidWalletInput = DomainError<'INVALID_INPUT'>;

export const insufficientBalance = (userId: number, amount: number): InsufficientBalance =>
  new DomainError('INSUFFICIENT_BALANCE', `Balance of user ${userId} is below ${amount}`, { userId, amount });

export const idempotencyKeyReused = (idempotencyKey: string): IdempotencyKeyReused =>
  new DomainError('IDEMPOTENCY_KEY_REUSED', `Idempotency key "${idempotencyKey}" was already used with other input`, {
    idempotencyKey,
  });

export const invalidWalletInput = (message: string): InvalidWalletInput => new DomainError('INVALID_INPUT', message);
