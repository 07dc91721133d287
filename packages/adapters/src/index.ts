export * from './db/database';
export * from './db/migrator';
export * from './inngest/client';
export * from './inngest/events';
export * from './inngest/inngest-event-publisher';
