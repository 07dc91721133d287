export * from './reservation.entity';
