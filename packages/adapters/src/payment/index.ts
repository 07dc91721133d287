export * from './http-payment-gateway';
export * from './kysely-payment-store';
export * from './payment-saga.function';
export * from './simulated-payment-gateway';
