import {
  type AppInngest,
  createBookingNotificationFunction,
  createDb,
  createHoldExpiryFunction,
  createHoldReconcilerFunction,
  createInngest,
  createPaymentReconcilerFunction,
  createPaymentSagaFunction,
  createSaleNotificationFunction,
  createWorkflows,
  createWorkflowTestFunctions,
  type Db,
  eventSink,
  HttpPaymentGateway,
  InngestEventPublisher,
  KyselyPaymentStore,
  KyselyReservationRepository,
  KyselyWalletLedger,
  LocalInngestTransport,
  LogBookingNotifier,
  SimulatedPaymentGateway,
  WebhookBookingNotifier,
  type Workflows,
} from '@concert/adapters';
import {
  type ChargeWallet,
  createChargeWallet,
  createExpireDueHolds,
  createExpireHold,
  createFindDueHolds,
  createFindStalePayments,
  createGetBalance,
  createGetPaymentStatus,
  createHoldSeat,
  createListMyReservations,
  createNotifyBooking,
  createNotifySale,
  createPaymentSaga,
  createReconcilePayments,
  createReleaseHold,
  createRequestPayment,
  type EventPublisher,
  type ExpireDueHolds,
  type ExpireHold,
  type FindDueHolds,
  type GetBalance,
  type GetPaymentStatus,
  type HoldSeat,
  type ListMyReservations,
  type PaymentSaga,
  type PaymentStore,
  type ReconcilePayments,
  type ReleaseHold,
  type RequestPayment,
  type ReservationRepository,
  type SeatChangeListener,
  seatHeld,
  systemClock,
  type WalletLedger,
} from '@concert/domain';
import type { InngestFunction } from 'inngest';
import { Redis } from 'ioredis';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { SessionTokens } from './auth/session-tokens';
import { type CatalogModule, createCatalogModule } from './catalog/catalog.module';
import type { Env } from './env';
import { createQueueModule, type QueueModule } from './queue/queue.module';
import { createWorkflowMetrics } from './workflow-metrics';

/**
 * Composition root: builds adapters from config and use cases from adapters. A plain function, no DI framework.
 * Everything a procedure needs hangs off this object, which lives on the tRPC context.
 */
export interface Container {
  readonly env: Env;
  readonly db: Db;
  readonly redis: Redis;
  readonly metrics: Registry;
  readonly sessions: SessionTokens;
  readonly inngest: AppInngest;
  /** Domain events out (to Inngest, bounded and never failing the request). */
  readonly events: EventPublisher;
  /** Every workflow function, served at /api/inngest. Each context adds its own factory's output here. */
  readonly functions: InngestFunction.Any[];
  /** Serves `functions` at /api/inngest; in local mode also runs them (start/stop from main.ts). */
  readonly workflows: Workflows;
  /** Seat holds: use cases for the router, plus the expiry reconciler (also callable directly). */
  readonly reservation: {
    readonly repository: ReservationRepository;
    readonly holdSeat: HoldSeat;
    readonly releaseHold: ReleaseHold;
    readonly listMine: ListMyReservations;
    readonly expireHold: ExpireHold;
    readonly expireDueHolds: ExpireDueHolds;
    readonly findDueHolds: FindDueHolds;
  };
  /** The waiting room: enter/status/leave, the active-pass check, the admission tick, spend, sold-out. */
  readonly queue: QueueModule;
  /** Balance and charges; the ledger is also what the payment saga debits and refunds (docs/payments.md). */
  readonly wallet: {
    readonly ledger: WalletLedger;
    readonly getBalance: GetBalance;
    readonly charge: ChargeWallet;
  };
  /** payment.pay / payment.status, the saga (also drivable in-process) and the stale-payment reconciler. */
  readonly payment: {
    readonly store: PaymentStore;
    readonly requestPayment: RequestPayment;
    readonly getStatus: GetPaymentStatus;
    readonly saga: PaymentSaga;
    readonly reconcile: ReconcilePayments;
  };
  /** Concerts, dates, sections, seats (cached per section) and the eviction hook for seat changes. */
  readonly catalog: CatalogModule;
  close(): Promise<void>;
}

export function createContainer(env: Env): Container {
  const db = createDb(env.DATABASE_URL, { connectionLimit: env.DATABASE_POOL_SIZE });
  const redis = new Redis(env.REDIS_URL, {
    keyPrefix: env.REDIS_PREFIX || undefined,
    // Fail fast instead of queueing requests forever while Redis is down: callers get 503, not a hang.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 2_000,
    // No auto-pipelining: it holds each command until the end of the event-loop turn, and behind the previous
    // pipeline's whole round trip (one in flight per connection), and builds a Pipeline object per flush that
    // copies every defined script. At 500 holds/s, turning it off lowered the hold's p95 in four of six A/B pairs
    // and its CPU or left it equal, with queue.status' CPU unchanged at 3,000/s (docs/reservations.md, 2026-12-07).
    enableAutoPipelining: false,
  });
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const sessions = new SessionTokens(env.AUTH_SECRET, env.SESSION_TTL_SECONDS);
  // Local mode: `inngest.send` and step checkpoints go in-process to the local runner (docs/workflows.md).
  const inngestTransport = env.INNGEST_MODE === 'local' ? new LocalInngestTransport() : undefined;
  const inngest = createInngest({
    mode: env.INNGEST_MODE,
    baseUrl: env.INNGEST_BASE_URL,
    eventKey: env.INNGEST_EVENT_KEY,
    signingKey: env.INNGEST_SIGNING_KEY,
    ...(inngestTransport ? { fetch: inngestTransport.fetch } : {}),
  });
  const events = new InngestEventPublisher(eventSink(inngest, inngestTransport), 2_000, (error: unknown) =>
    console.warn(`event not sent: ${(error as Error).message}`),
  );
  const functions: InngestFunction.Any[] = [];

  // --- queue: waiting room, admission tick (docs/queue.md) ---
  const { queue, functions: queueFunctions } = createQueueModule({ env, db, redis, inngest, metrics });
  functions.push(...queueFunctions);

  // --- catalog: reads cached per section, evicted on seat changes (docs/catalog.md) ---
  const { catalog, functions: catalogFunctions } = createCatalogModule({ env, db, redis, inngest, events, metrics });
  functions.push(...catalogFunctions);

  // --- reservation: holds, expiry workflow + reconciler, booking notices (docs/reservations.md) ---
  const reservationRepository = new KyselyReservationRepository(db);
  // After a seat changes state: the catalog's eviction hook (this process's memory, Redis, and the
  // catalog/section.changed event for the eviction function).
  const seatChanges: SeatChangeListener = { seatChanged: (change) => catalog.eviction.onSeatChanged(change) };
  const webhookNotifier = env.NOTIFY_WEBHOOK_URL ? new WebhookBookingNotifier(env.NOTIFY_WEBHOOK_URL) : undefined;
  const notifier = webhookNotifier ?? new LogBookingNotifier();
  const notifyBooking = createNotifyBooking({ notifier });
  const holdDeps = { reservations: reservationRepository, clock: systemClock, events, seatChanges };
  const reservation = {
    repository: reservationRepository,
    holdSeat: createHoldSeat({
      ...holdDeps,
      holdTtlSeconds: env.HOLD_TTL_SECONDS,
      holdLimitPerDate: env.HOLD_LIMIT_PER_DATE,
      // NOTIFY_MODE=sync only reproduces the seed's blocking Slack call; async sends it from a workflow.
      ...(env.NOTIFY_MODE === 'sync'
        ? {
            notifyOnRequestPath: (r) =>
              notifyBooking(seatHeld(r).data).catch((error: unknown) =>
                console.warn(`notify (sync) failed: ${(error as Error).message}`),
              ),
          }
        : {}),
    } satisfies Parameters<typeof createHoldSeat>[0]),
    releaseHold: createReleaseHold(holdDeps),
    listMine: createListMyReservations({ ...holdDeps, limit: 100 }),
    expireHold: createExpireHold(holdDeps),
    expireDueHolds: createExpireDueHolds(holdDeps),
    findDueHolds: createFindDueHolds(holdDeps),
  };
  functions.push(
    createHoldExpiryFunction(inngest, reservation),
    createHoldReconcilerFunction(inngest, reservation),
    ...(env.NOTIFY_MODE === 'async' ? [createBookingNotificationFunction(inngest, { notifyBooking })] : []),
    createSaleNotificationFunction(inngest, { notifySale: createNotifySale({ notifier }) }),
  );

  // --- wallet + payment saga: debit -> gateway -> confirm seat -> complete, compensated (docs/payments.md) ---
  const walletLedger = new KyselyWalletLedger(db);
  const wallet = {
    ledger: walletLedger,
    getBalance: createGetBalance({ ledger: walletLedger }),
    charge: createChargeWallet({ ledger: walletLedger }),
  };
  const paymentStore = new KyselyPaymentStore(db);
  const paymentSaga = createPaymentSaga({
    store: paymentStore,
    gateway: env.PAYMENT_GATEWAY_URL
      ? new HttpPaymentGateway({ baseUrl: env.PAYMENT_GATEWAY_URL, timeoutMs: env.PAYMENT_GATEWAY_TIMEOUT_MS })
      : new SimulatedPaymentGateway({
          latencyMs: env.PAYMENT_GATEWAY_LATENCY_MS,
          failureRate: env.PAYMENT_GATEWAY_FAILURE_RATE,
        }),
    passes: queue,
    seats: seatChanges,
    events,
    clock: systemClock,
    onWarning: (message, details) => console.warn(`payment: ${message} ${JSON.stringify(details)}`),
  });
  const stalePayments = {
    store: paymentStore,
    clock: systemClock,
    staleAfterMs: env.PAYMENT_STALE_AFTER_SECONDS * 1000,
  };
  const payment = {
    store: paymentStore,
    requestPayment: createRequestPayment({ store: paymentStore, events, clock: systemClock }),
    getStatus: createGetPaymentStatus({ store: paymentStore }),
    saga: paymentSaga,
    reconcile: createReconcilePayments({ ...stalePayments, saga: paymentSaga }),
  };
  functions.push(
    createPaymentSagaFunction(inngest, { saga: paymentSaga }),
    createPaymentReconcilerFunction(inngest, { findStale: createFindStalePayments(stalePayments), saga: paymentSaga }),
  );

  // --- workflows: the serve handler and (local mode) the runner; reads `functions` when started ---
  if (env.WORKFLOW_TEST_FUNCTIONS) functions.push(...createWorkflowTestFunctions(inngest, redis, { ticker: true }));
  const workflows = createWorkflows({
    mode: env.INNGEST_MODE,
    inngest,
    functions,
    redis,
    transport: inngestTransport,
    serveOrigin: env.INNGEST_SERVE_ORIGIN,
    observer: createWorkflowMetrics(metrics),
    runner: { concurrency: env.WORKFLOW_CONCURRENCY, retryBaseMs: env.WORKFLOW_RETRY_BASE_MS },
  });

  return {
    env,
    db,
    redis,
    metrics,
    sessions,
    inngest,
    events,
    functions,
    workflows,
    reservation,
    queue,
    wallet,
    payment,
    catalog,
    async close() {
      await workflows.stop();
      await webhookNotifier?.close();
      catalog.close();
      redis.disconnect();
      await db.destroy();
    },
  };
}
