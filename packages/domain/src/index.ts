export * from './catalog';
export * from './payment';
export * from './queue';
export * from './reservation';
export * from './shared';
export * from './wallet';
