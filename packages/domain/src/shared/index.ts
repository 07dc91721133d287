export * from './clock.port';
export * from './domain-error';
export * from './event-publisher.port';
export * from './id.port';
export * from './money';
export * from './result';
export * from './transition';
