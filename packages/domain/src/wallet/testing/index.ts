export * from './in-memory-wallet-ledger';
