/** What apps/web may import: types only. */
export type { AppRouter } from './trpc/app.router';
