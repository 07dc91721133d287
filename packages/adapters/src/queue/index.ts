export * from './admission-tick.function';
export * from './hmac-queue-pass-tokens';
export * from './kysely-concert-directory';
export * from './redis-queue-store';
