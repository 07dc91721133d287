export * from './ports/wallet-ledger.port';
export * from './testing';
export * from './use-cases/charge-wallet.use-case';
export * from './use-cases/get-balance.use-case';
export * from './wallet.entity';
export * from './wallet.errors';
