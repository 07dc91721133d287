import type {
  CatalogCache,
  CatalogRepository,
  ConcertDates,
  ConcertPage,
  ConcertPageQuery,
  ScheduleRef,
  ScheduleSections,
  SectionRef,
  SectionSeats,
  Snapshot,
} from '@concert/domain';
import type { Redis, Result as RedisResult } from 'ioredis';
import {
  CatalogEvictionMessageSchema,
  ConcertDatesSchema,
  ScheduleSectionsSchema,
  SectionSeatsSchema,
} from './catalog-cache.schema';

/**
 * Redis keys. The part in braces is the Redis Cluster hash tag: every key of one date lives in one slot (so a
 * section's eviction is one atomic script and a date's seats can be fetched together), and every key of one
 * concert in another.
 */
export const catalogKeys = {
  dates: (concertId: number) => `catalog:{c:${concertId}}:dates`,
  concertVersion: (concertId: number) => `catalog:{c:${concertId}}:v`,
  sections: (scheduleId: number) => `catalog:{s:${scheduleId}}:sections`,
  seats: (scheduleId: number, sectionId: number) => `catalog:{s:${scheduleId}}:seats:${sectionId}`,
  scheduleVersion: (scheduleId: number) => `catalog:{s:${scheduleId}}:v`,
};

export interface CachingCatalogOptions {
  /**
   * How long this process may serve its in-memory copy without asking Redis while `subscriber` is subscribed to
   * `channel` (other processes' evictions then drop the copy within ms). Default 30 s.
   */
  readonly localTtlMs?: number;
  /**
   * The in-memory TTL whenever this process may miss evictions (no subscriber, or not subscribed right now): the
   * staleness bound for other processes' changes. Default 1 s, never more than `localTtlMs`.
   */
  readonly fallbackTtlMs?: number;
  /** Pub/sub channel of evictions: `evictShared` publishes on it. Full name (ioredis' keyPrefix skips channels). */
  readonly channel?: string;
  /**
   * A dedicated connection (subscriber mode blocks other commands) that listens on `channel`; owned from then on:
   * `close()` disconnects it. Without one, the in-memory TTL is `fallbackTtlMs`.
   */
  readonly subscriber?: Redis;
  /** Most in-memory entries; the oldest go first. */
  readonly localMaxEntries?: number;
  /** Safety net for a lost eviction: Redis copies expire after this long whatever happens. */
  readonly redisTtlMs?: number;
  /** Called when a Redis value fails validation (it is then treated as a miss). */
  readonly onInvalid?: (key: string, error: unknown) => void;
}

export interface CatalogCacheStats {
  localHits: number;
  redisHits: number;
  loads: number;
}

/** A zod schema, seen only as what it gives back. */
interface Decoder<T> {
  parse(data: unknown): T;
}

interface LocalEntry {
  readonly value: Snapshot;
  /** Epoch ms after which the entry is dead: TTL counted from when the read that produced it *started*. */
  readonly expiresAt: number;
}

interface Flight {
  promise: Promise<Snapshot | null>;
  /** Set by a local eviction: the flight's result may predate the change, so it must not enter memory. */
  invalidated: boolean;
}

/**
 * Fills a key only if no eviction happened since the fill's read: a loader that read MySQL before a seat
 * changed must not write its stale copy after the eviction deleted the key.
 */
const FILL_IF_UNCHANGED = `
local v = redis.call('GET', KEYS[2]) or ''
if v ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

/**
 * Bumps the version (so fills in flight are dropped) and deletes the keys, atomically in one slot; then, given a
 * channel (ARGV[2]), publishes ARGV[3] on it.
 */
const EVICT = `
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
for i = 2, #KEYS do redis.call('DEL', KEYS[i]) end
if ARGV[2] then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
return #KEYS - 1`;

/** Versions must outlive any fill in flight; a day is far more than a fill takes. */
const VERSION_TTL_MS = 24 * 3600 * 1000;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    catalogFill(
      key: string,
      versionKey: string,
      expectedVersion: string,
      json: string,
      ttlMs: number,
    ): RedisResult<number, Context>;
    /** `catalogEvict(numberOfKeys, versionKey, ...keysToDelete, versionTtlMs[, channel, message])` */
    catalogEvict(numberOfKeys: number, ...keysThenTtl: (string | number)[]): RedisResult<number, Context>;
  }
}

/**
 * The catalog read path with two cache tiers in front of MySQL: an in-process map (its copies dropped by other
 * processes' evictions through Redis pub/sub, with a short TTL whenever that channel may be missing messages),
 * then Redis (JSON, validated on the way back), with single-flight loading so concurrent misses of one key in
 * this process cause one Redis read and at most one MySQL read. Also the eviction side (CatalogCache) of the
 * same keys.
 */
export class CachingCatalogRepository implements CatalogRepository, CatalogCache {
  readonly stats: CatalogCacheStats = { localHits: 0, redisHits: 0, loads: 0 };
  private readonly local = new Map<string, LocalEntry>();
  private readonly flights = new Map<string, Flight>();
  /** schedule -> concert never changes; remembered to find the dates key of an evicted section. */
  private readonly concertOfSchedule = new Map<number, number>();
  private readonly localTtlMs: number;
  private readonly fallbackTtlMs: number;
  private readonly localMaxEntries: number;
  private readonly redisTtlMs: number;
  private readonly subscriber: Redis | undefined;
  private readonly channel: string | undefined;
  /** Subscribed to the eviction channel right now: only then may memory copies live `localTtlMs`. */
  private subscribed = false;

  constructor(
    private readonly inner: CatalogRepository,
    private readonly redis: Redis,
    private readonly options: CachingCatalogOptions = {},
  ) {
    this.localTtlMs = options.localTtlMs ?? 30_000;
    this.fallbackTtlMs = Math.min(options.fallbackTtlMs ?? 1_000, this.localTtlMs);
    this.localMaxEntries = options.localMaxEntries ?? 100_000;
    this.redisTtlMs = options.redisTtlMs ?? 10 * 60 * 1000;
    this.channel = options.channel;
    this.subscriber = options.subscriber;
    if (typeof (redis as { catalogFill?: unknown }).catalogFill !== 'function') {
      redis.defineCommand('catalogFill', { numberOfKeys: 2, lua: FILL_IF_UNCHANGED });
      redis.defineCommand('catalogEvict', { lua: EVICT });
    }
    if (this.subscriber) this.listen(this.subscriber);
  }

  /** True while this process hears other processes' evictions (memory copies then live `localTtlMs`). */
  get live(): boolean {
    return this.subscribed;
  }

  /** Stops listening and disconnects the subscriber; memory copies fall back to the short TTL. */
  close(): void {
    const subscriber = this.subscriber;
    if (!subscriber) return;
    this.goDeaf();
    subscriber.removeAllListeners('ready');
    subscriber.removeAllListeners('message');
    subscriber.disconnect();
  }

  /**
   * Pub/sub is at-most-once: messages sent while not subscribed are lost. So memory is cleared and the TTL falls
   * back whenever the connection drops, and cleared again on every (re)subscription before the long TTL resumes.
   */
  private listen(subscriber: Redis): void {
    const channel = this.channel;
    if (!channel) throw new Error('CachingCatalogRepository: a subscriber needs a channel');
    const subscribe = () => {
      subscriber.subscribe(channel).then(
        () => {
          // A close between the reply and this callback would leave us deaf but "live".
          if (subscriber.status !== 'ready') return;
          this.clearLocal();
          this.subscribed = true;
        },
        () => this.goDeaf(),
      );
    };
    subscriber.on('message', (from: string, message: string) => {
      if (from === channel) this.onEvictionMessage(message);
    });
    // 'ready' comes on the first connect and after every reconnect (ioredis' own resubscribe is not observable).
    subscriber.on('ready', subscribe);
    for (const event of ['close', 'end', 'error', 'reconnecting']) subscriber.on(event, () => this.goDeaf());
    if (subscriber.status === 'ready') subscribe();
  }

  private goDeaf(): void {
    if (this.subscribed) this.clearLocal();
    this.subscribed = false;
  }

  private onEvictionMessage(message: string): void {
    let ref: { scheduleId: number; sectionId: number; concertId: number | null };
    try {
      ref = CatalogEvictionMessageSchema.parse(JSON.parse(message));
    } catch (error) {
      // Unknown which keys it meant: forget everything rather than risk serving what it evicted.
      this.options.onInvalid?.(this.channel ?? '', error);
      this.clearLocal();
      return;
    }
    this.dropLocal(ref.scheduleId, ref.sectionId, ref.concertId);
  }

  /** Concert pages are not cached: a PRIMARY or index range read, and rarely hot. */
  listConcerts(query: ConcertPageQuery): Promise<ConcertPage> {
    return this.inner.listConcerts(query);
  }

  concertDates(concertId: number, now: Date): Promise<ConcertDates | null> {
    return this.read(
      catalogKeys.dates(concertId),
      catalogKeys.concertVersion(concertId),
      ConcertDatesSchema,
      () => this.inner.concertDates(concertId, now),
      now,
    );
  }

  async scheduleSections(scheduleId: number, now: Date): Promise<ScheduleSections | null> {
    const value = await this.read(
      catalogKeys.sections(scheduleId),
      catalogKeys.scheduleVersion(scheduleId),
      ScheduleSectionsSchema,
      () => this.inner.scheduleSections(scheduleId, now),
      now,
    );
    if (value) this.rememberConcert(scheduleId, value.concertId);
    return value;
  }

  /**
   * Seats per (date, section). Sections missing from memory are read from Redis in ONE MGET (they share the
   * date's hash tag); each one missing there too is loaded from MySQL in its own single flight.
   */
  sectionSeats(scheduleId: number, sectionIds: readonly number[], now: Date): Promise<SectionSeats[]> {
    const keys = sectionIds.map((sectionId) => catalogKeys.seats(scheduleId, sectionId));
    const out: (SectionSeats | Promise<SectionSeats | null>)[] = new Array(keys.length);
    const cold: number[] = [];
    let waiting = false;
    keys.forEach((key, i) => {
      const hit = this.peek<SectionSeats>(key, now);
      if (hit) {
        out[i] = hit;
        return;
      }
      waiting = true;
      const running = this.flights.get(key);
      if (running) out[i] = running.promise as Promise<SectionSeats | null>;
      else cold.push(i);
    });
    if (!waiting) return Promise.resolve(out as SectionSeats[]);
    if (cold.length > 0) {
      const versionKey = catalogKeys.scheduleVersion(scheduleId);
      const batch = this.redis.mget(...cold.map((i) => keys[i] as string), versionKey);
      const load = this.batchedSeatLoader(scheduleId, now);
      cold.forEach((i, j) => {
        const sectionId = sectionIds[i] as number;
        out[i] = this.startFlight(
          keys[i] as string,
          versionKey,
          SectionSeatsSchema,
          () => load(sectionId),
          now,
          batch.then((values) => [values[j] ?? null, values[values.length - 1] ?? null]),
        );
      });
    }
    return Promise.all(out).then((values) =>
      values.map(
        (value, i) => value ?? { scheduleId, sectionId: sectionIds[i] as number, seats: [], validUntil: null },
      ),
    );
  }

  /**
   * Loads of several sections of one date asked in the same turn of the event loop become ONE repository call
   * (two index-range queries), instead of two queries per section: what a cold all-sections read costs MySQL.
   */
  private batchedSeatLoader(scheduleId: number, now: Date): (sectionId: number) => Promise<SectionSeats | null> {
    const waiting = new Map<number, { resolve: (v: SectionSeats | null) => void; reject: (e: unknown) => void }>();
    return (sectionId) =>
      new Promise((resolve, reject) => {
        waiting.set(sectionId, { resolve, reject });
        if (waiting.size > 1) return;
        // setImmediate, not a microtask: every flight of this batch has read Redis and asked by then.
        setImmediate(() => {
          const asked = [...waiting];
          waiting.clear();
          this.inner
            .sectionSeats(
              scheduleId,
              asked.map(([id]) => id),
              now,
            )
            .then(
              (values) => {
                for (const [id, { resolve: done }] of asked) done(values.find((v) => v.sectionId === id) ?? null);
              },
              (error: unknown) => {
                for (const [, { reject: fail }] of asked) fail(error);
              },
            );
        });
      });
  }

  async scheduleRef(scheduleId: number): Promise<ScheduleRef | null> {
    const known = this.concertOfSchedule.get(scheduleId);
    if (known !== undefined) return { scheduleId, concertId: known };
    const ref = await this.inner.scheduleRef(scheduleId);
    if (ref) this.rememberConcert(scheduleId, ref.concertId);
    return ref;
  }

  async evictShared(ref: SectionRef): Promise<void> {
    const { scheduleId, sectionId } = ref;
    const concert = await this.scheduleRef(scheduleId);
    // The message is published by the last script, after every DEL (one connection's commands run in order), so a
    // process that drops its copy on it can only re-read fresh data. Were a DEL to fail, the event function evicts
    // and publishes again. Publishing from the script saves the hold a Redis command of its own.
    const published = this.channel
      ? [this.channel, JSON.stringify({ scheduleId, sectionId, concertId: concert?.concertId ?? null })]
      : [];
    await Promise.all([
      concert
        ? this.redis.catalogEvict(
            2,
            catalogKeys.concertVersion(concert.concertId),
            catalogKeys.dates(concert.concertId),
            VERSION_TTL_MS,
          )
        : Promise.resolve(0),
      this.redis.catalogEvict(
        3,
        catalogKeys.scheduleVersion(scheduleId),
        catalogKeys.sections(scheduleId),
        catalogKeys.seats(scheduleId, sectionId),
        VERSION_TTL_MS,
        ...published,
      ),
    ]);
  }

  async evictLocal(ref: SectionRef): Promise<void> {
    const concert = await this.scheduleRef(ref.scheduleId);
    this.dropLocal(ref.scheduleId, ref.sectionId, concert?.concertId ?? null);
  }

  /** Drops the three keys a section's change touches, and marks their loads in flight so they stay out. */
  private dropLocal(scheduleId: number, sectionId: number, concertId: number | null): void {
    const keys = [catalogKeys.sections(scheduleId), catalogKeys.seats(scheduleId, sectionId)];
    if (concertId !== null) keys.push(catalogKeys.dates(concertId));
    for (const key of keys) {
      this.local.delete(key);
      const flight = this.flights.get(key);
      if (flight) {
        flight.invalidated = true;
        this.flights.delete(key);
      }
    }
  }

  /** Drops every in-memory entry, and keeps loads in flight out of memory (they may predate a missed eviction). */
  clearLocal(): void {
    this.local.clear();
    for (const flight of this.flights.values()) flight.invalidated = true;
    this.flights.clear();
  }

  private read<T extends Snapshot>(
    key: string,
    versionKey: string,
    schema: Decoder<T>,
    load: () => Promise<T | null>,
    now: Date,
  ): Promise<T | null> {
    const hit = this.peek<T>(key, now);
    if (hit) return Promise.resolve(hit);
    const running = this.flights.get(key);
    if (running) return running.promise as Promise<T | null>;
    return this.startFlight(key, versionKey, schema, load, now, this.redis.mget(key, versionKey));
  }

  /** The in-memory value if it is still alive and still exact at `now`. */
  private peek<T extends Snapshot>(key: string, now: Date): T | undefined {
    const hit = this.local.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt > Date.now() && isFresh(hit.value, now)) {
      this.stats.localHits++;
      return hit.value as T;
    }
    this.local.delete(key);
    return undefined;
  }

  /**
   * One load of one key, shared by every concurrent reader in this process (single flight). `firstRead` is the
   * Redis read of [value, version] already under way, possibly batched with other keys of the same slot.
   */
  private startFlight<T extends Snapshot>(
    key: string,
    versionKey: string,
    schema: Decoder<T>,
    load: () => Promise<T | null>,
    now: Date,
    firstRead: Promise<(string | null)[]>,
  ): Promise<T | null> {
    const flight: Flight = { promise: Promise.resolve(null), invalidated: false };
    flight.promise = this.fetch(key, versionKey, schema, load, now, Date.now(), flight, firstRead).finally(() => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    });
    this.flights.set(key, flight);
    return flight.promise as Promise<T | null>;
  }

  private async fetch<T extends Snapshot>(
    key: string,
    versionKey: string,
    schema: Decoder<T>,
    load: () => Promise<T | null>,
    now: Date,
    startedAt: number,
    flight: Flight,
    firstRead: Promise<(string | null)[]>,
  ): Promise<T | null> {
    // Value and version share a hash tag, so one MGET reads both in any Redis topology.
    const [raw, version] = await firstRead;
    let value: T | null = raw ? this.decode(key, schema, raw) : null;
    if (value && isFresh(value, now)) {
      this.stats.redisHits++;
    } else {
      this.stats.loads++;
      value = await load();
      if (value) await this.fill(key, versionKey, version ?? '', value, now);
    }
    if (value && !flight.invalidated) this.remember(key, value, startedAt);
    return value;
  }

  private decode<T>(key: string, schema: Decoder<T>, raw: string): T | null {
    try {
      return schema.parse(JSON.parse(raw));
    } catch (error) {
      this.options.onInvalid?.(key, error);
      return null;
    }
  }

  private async fill(key: string, versionKey: string, version: string, value: Snapshot, now: Date): Promise<void> {
    const ttl = Math.min(
      this.redisTtlMs,
      value.validUntil ? value.validUntil.getTime() - now.getTime() : Number.POSITIVE_INFINITY,
    );
    if (ttl < 1) return;
    await this.redis.catalogFill(key, versionKey, version, JSON.stringify(value), Math.floor(ttl));
  }

  private remember(key: string, value: Snapshot, startedAt: number): void {
    let expiresAt = startedAt + (this.subscribed ? this.localTtlMs : this.fallbackTtlMs);
    if (value.validUntil) expiresAt = Math.min(expiresAt, value.validUntil.getTime());
    if (expiresAt <= Date.now()) return;
    if (this.local.size >= this.localMaxEntries && !this.local.has(key)) {
      // Map iterates in insertion order: the first key is the oldest entry.
      const oldest = this.local.keys().next();
      if (!oldest.done) this.local.delete(oldest.value);
    }
    this.local.delete(key);
    this.local.set(key, { value, expiresAt });
  }

  private rememberConcert(scheduleId: number, concertId: number): void {
    if (this.concertOfSchedule.size >= this.localMaxEntries * 10) this.concertOfSchedule.clear();
    this.concertOfSchedule.set(scheduleId, concertId);
  }
}

/** A snapshot may be served only before its `validUntil` (the earliest running hold deadline in it). */
function isFresh(value: Snapshot, now: Date): boolean {
  return value.validUntil === null || value.validUntil.getTime() > now.getTime();
}
