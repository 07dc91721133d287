import {
  type AppInngest,
  createAdmissionTickFunction,
  type Db,
  HmacQueuePassTokens,
  KyselyConcertDirectory,
  RedisQueueStore,
} from '@concert/adapters';
import {
  admissionCapacity,
  type Clock,
  createAdmissionTick,
  createEnterQueue,
  createLeaveQueue,
  createQueueOverview,
  createQueueStatus,
  createRequireActivePass,
  type QueueConcertFigures,
  type QueueDeps,
  systemClock,
} from '@concert/domain';
import type { InngestFunction } from 'inngest';
import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import type { Env } from '../env';

/**
 * The waiting room, composed: use cases over the Redis store, the HMAC pass signer and the catalog lookup;
 * the admission tick as a plain function (tests and the Inngest driver call the same thing); metrics.
 */
export function createQueueModule(deps: {
  env: Env;
  db: Db;
  redis: Redis;
  inngest: AppInngest;
  metrics: Registry;
  clock?: Clock;
}) {
  const { env } = deps;
  const clock = deps.clock ?? systemClock;
  const store = new RedisQueueStore(deps.redis);
  const tokens = new HmacQueuePassTokens(env.AUTH_SECRET);
  const concerts = new KyselyConcertDirectory(deps.db);
  const capacity = admissionCapacity({
    tickMs: env.QUEUE_TICK_MS,
    admitPerTick: env.QUEUE_ADMIT_PER_TICK,
    maxActive: env.QUEUE_MAX_ACTIVE,
    activeTtlSeconds: env.QUEUE_ACTIVE_TTL_SECONDS,
  });
  const base: QueueDeps = { store, tokens, clock, capacity };
  const admission = createAdmissionTick({
    store,
    concerts,
    clock,
    limits: {
      admitPerTick: env.QUEUE_ADMIT_PER_TICK,
      maxActive: env.QUEUE_MAX_ACTIVE,
      activeTtlMs: env.QUEUE_ACTIVE_TTL_SECONDS * 1000,
    },
    soldOutRefreshMs: env.QUEUE_SOLD_OUT_REFRESH_MS,
    // Ticks go over the live list; once a minute one also goes over every concert that ever had a queue.
    registrySweepMs: 60_000,
  });
  const overview = createQueueOverview({ store, capacity });

  const queue = {
    store,
    tokens,
    enter: createEnterQueue({ ...base, concerts }),
    status: createQueueStatus(base),
    leave: createLeaveQueue(base),
    requireActive: createRequireActivePass(base),
    /** One admission step over all concerts (what the Inngest function runs every QUEUE_TICK_MS). */
    tick: admission.tick,
    refreshSoldOut: admission.refreshSoldOut,
    overview,
    /** For the sale of the last seat: nobody more is admitted and waiters read SOLD_OUT at once. */
    markSoldOut: (concertId: number) => store.setSoldOut(concertId, true),
    /** QueuePassSpender (payment saga): a completed payment frees the user's ACTIVE slot. Idempotent. */
    spend: async (userId: number, concertId: number) => {
      await store.spend(concertId, userId);
    },
  };
  registerQueueMetrics(deps.metrics, overview);
  const functions: InngestFunction.Any[] = [
    createAdmissionTickFunction(deps.inngest, { tick: admission.tick, tickMs: env.QUEUE_TICK_MS }),
  ];
  return { queue, functions };
}

export type QueueModule = ReturnType<typeof createQueueModule>['queue'];

/**
 * Per-concert gauges read from Redis at scrape time (so every API process reports the shared truth, whichever
 * one runs the tick). One scrape reads the overview once, however many gauges ask.
 */
function registerQueueMetrics(registry: Registry, overview: () => Promise<QueueConcertFigures[]>) {
  let cached: { at: number; figures: Promise<QueueConcertFigures[]> } | null = null;
  const read = () => {
    if (!cached || Date.now() - cached.at > 500) {
      cached = { at: Date.now(), figures: overview().catch(() => []) };
    }
    return cached.figures;
  };
  const gauge = (name: string, help: string, pick: (f: QueueConcertFigures) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['concert_id'],
      registers: [registry],
      async collect() {
        const figures = await read();
        this.reset();
        for (const f of figures) {
          const value = pick(f);
          if (value !== null) this.set({ concert_id: String(f.concertId) }, value);
        }
      },
    });
  gauge('queue_waiting_users', 'Users waiting in line', (f) => f.waiting);
  gauge('queue_active_users', 'Users holding an ACTIVE pass', (f) => f.active);
  gauge('queue_admitted_per_second', 'Admission rate (moving average)', (f) => f.admittedPerSecond);
  gauge('queue_admitted_total', 'Users admitted since the queue began', (f) => f.admittedTotal);
  gauge('queue_abandoned_total', 'Waiters dropped for not polling', (f) => f.abandonedTotal);
  gauge('queue_expired_total', 'ACTIVE passes that ran out', (f) => f.expiredTotal);
  gauge('queue_spent_total', 'ACTIVE passes spent by a completed payment', (f) => f.spentTotal);
  gauge('queue_last_eta_seconds', 'ETA of the last user in line', (f) => f.lastEtaSeconds);
  gauge('queue_sold_out', '1 when nothing is left to sell', (f) => (f.soldOut ? 1 : 0));
}
