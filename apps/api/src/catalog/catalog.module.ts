import {
  type AppInngest,
  CachingCatalogRepository,
  createCatalogEvictionFunction,
  type Db,
  KyselyCatalogRepository,
} from '@concert/adapters';
import {
  type AvailableDates,
  type AvailableSeatsQuery,
  type CatalogCache,
  type CatalogEviction,
  type CatalogRepository,
  type Clock,
  createAvailableDates,
  createAvailableSeats,
  createCatalogEviction,
  createEvictSection,
  createListConcerts,
  createSections,
  type EventPublisher,
  type EvictSection,
  type ListConcerts,
  noCatalogCache,
  type Sections,
  systemClock,
} from '@concert/domain';
import type { InngestFunction } from 'inngest';
import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import type { Env } from '../env';

export interface CatalogModule {
  /** What the use cases read through: the cache in front of MySQL, or MySQL alone when CATALOG_CACHE=off. */
  readonly repository: CatalogRepository;
  readonly cache: CatalogCache;
  readonly listConcerts: ListConcerts;
  readonly availableDates: AvailableDates;
  readonly sections: Sections;
  readonly availableSeats: AvailableSeatsQuery;
  /** Call `onSeatChanged` after committing any seat state change (docs/catalog.md). */
  readonly eviction: CatalogEviction;
  /** What the `catalog/section.changed` function runs. */
  readonly evictSection: EvictSection;
  /** Disconnects the cache's eviction subscriber (container.close). */
  close(): void;
}

/** The catalog, composed: MySQL reads, the two-tier cache (unless CATALOG_CACHE=off), eviction, metrics. */
export function createCatalogModule(deps: {
  env: Env;
  db: Db;
  redis: Redis;
  inngest: AppInngest;
  events: EventPublisher;
  metrics?: Registry;
  clock?: Clock;
}): { catalog: CatalogModule; functions: InngestFunction.Any[] } {
  const clock = deps.clock ?? systemClock;
  const mysql = new KyselyCatalogRepository(deps.db);
  const cached = deps.env.CATALOG_CACHE === 'on' ? createCache(deps.env, mysql, deps.redis) : null;
  const repository: CatalogRepository = cached ?? mysql;
  const cache: CatalogCache = cached ?? noCatalogCache;
  const evictSection = createEvictSection({ cache });
  const catalog: CatalogModule = {
    repository,
    cache,
    listConcerts: createListConcerts({ catalog: repository }),
    availableDates: createAvailableDates({ catalog: repository, clock }),
    sections: createSections({ catalog: repository, clock }),
    availableSeats: createAvailableSeats({ catalog: repository, clock }),
    eviction: createCatalogEviction({
      cache,
      events: deps.events,
      onError: (error, ref) =>
        console.warn(
          `catalog cache: eviction of schedule ${ref.scheduleId} section ${ref.sectionId} failed (the event retries it): ${(error as Error).message}`,
        ),
    }),
    evictSection,
    close: () => cached?.close(),
  };
  if (cached && deps.metrics) {
    const stats = cached.stats;
    new Gauge({
      name: 'catalog_cache_reads_total',
      help: 'Catalog cache reads by tier that answered (memory, redis, mysql)',
      labelNames: ['tier'],
      registers: [deps.metrics],
      collect() {
        this.set({ tier: 'memory' }, stats.localHits);
        this.set({ tier: 'redis' }, stats.redisHits);
        this.set({ tier: 'mysql' }, stats.loads);
      },
    });
    new Gauge({
      name: 'catalog_eviction_subscriber_live',
      help: "1 while this process hears other processes' evictions; 0 means its memory copies live only the short fallback TTL",
      registers: [deps.metrics],
      collect() {
        this.set(cached.live ? 1 : 0);
      },
    });
  }
  return { catalog, functions: [createCatalogEvictionFunction(deps.inngest, evictSection)] };
}

/**
 * Memory copies live CATALOG_LOCAL_TTL_MS because every process hears every eviction on one pub/sub channel, on
 * a connection of its own (a subscribed connection can run nothing else).
 */
function createCache(env: Env, mysql: CatalogRepository, redis: Redis): CachingCatalogRepository {
  const subscriber = env.CATALOG_LOCAL_TTL_MS > 0 ? redis.duplicate({ enableAutoPipelining: false }) : undefined;
  subscriber?.on('error', (error: Error) => console.warn(`catalog cache: eviction subscriber: ${error.message}`));
  return new CachingCatalogRepository(mysql, redis, {
    localTtlMs: env.CATALOG_LOCAL_TTL_MS,
    // keyPrefix does not apply to channels: the prefix keeps deployments sharing a Redis apart.
    channel: `${env.REDIS_PREFIX}catalog:evictions`,
    ...(subscriber ? { subscriber } : {}),
    onInvalid: (key, error) => console.warn(`catalog cache: bad value at ${key}: ${(error as Error).message}`),
  });
}
