export * from './kysely-wallet-ledger';
export { isDuplicateKey, isRetryableLockError, retryOnLockConflict } from './mysql-errors';
