export * from './caching-catalog.repository';
export * from './catalog.queries';
export * from './catalog-eviction.function';
/** Test data (used by adapter and API tests); inserts only when called. */
export * from './catalog-fixture';
export * from './kysely-catalog.repository';
