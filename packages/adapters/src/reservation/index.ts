export * from './hold-expiry.function';
export * from './kysely-reservation-repository';
