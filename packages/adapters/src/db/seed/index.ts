export * from './derived-redis';
export * from './load-seed';
export * from './seed-data';
export * from './seed-options';
