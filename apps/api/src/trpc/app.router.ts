import { authRouter } from './routers/auth.router';
import { catalogRouter } from './routers/catalog.router';
import { router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  catalog: catalogRouter,
});

export type AppRouter = typeof appRouter;
