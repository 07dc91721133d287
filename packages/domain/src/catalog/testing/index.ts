export * from './in-memory-catalog.repository';
