export * from './in-memory-payment-store';
