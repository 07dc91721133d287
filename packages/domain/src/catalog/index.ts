export * from './catalog.entity';
export * from './seat.entity';
