export * from './wallet.entity';
