export * from './clock.port';
export * from './domain-error';
export * from './id.port';
export * from './money';
export * from './result';
export * from './transition';
export * from './event-publisher.port';
