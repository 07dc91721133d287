export * from './db/database';
export * from './db/migrator';
