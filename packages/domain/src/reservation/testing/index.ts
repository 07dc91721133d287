export * from './fakes';
export * from './in-memory-reservation-repository';
