export * from './event-seat-change-listener';
export * from './hold-expiry.function';
export * from './kysely-reservation-repository';
