import { adminRouter } from './routers/admin.router';
import { authRouter } from './routers/auth.router';
import { catalogRouter } from './routers/catalog.router';
import { paymentRouter } from './routers/payment.router';
import { queueRouter } from './routers/queue.router';
import { reservationRouter } from './routers/reservation.router';
import { walletRouter } from './routers/wallet.router';
import { router } from './trpc';

export const appRouter = router({
  admin: adminRouter,
  auth: authRouter,
  catalog: catalogRouter,
  payment: paymentRouter,
  queue: queueRouter,
  reservation: reservationRouter,
  wallet: walletRouter,
});

export type AppRouter = typeof appRouter;
