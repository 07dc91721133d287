export * from './catalog';
export * from './payment';
export * from './reservation';
export * from './shared';
export * from './wallet';
