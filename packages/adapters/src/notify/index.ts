export * from './booking-notification.function';
export * from './webhook-booking-notifier';
export * from './webhook-simulator';
