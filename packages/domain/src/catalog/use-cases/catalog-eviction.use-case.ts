import type { EventPublisher } from '../../shared';
import type { CatalogCache, SectionRef } from '../ports/catalog-cache.port';

export const CATALOG_SECTION_CHANGED = 'catalog/section.changed' as const;

export interface CatalogEviction {
  /**
   * Call after a seat's state change has been committed (hold, release, expiry, sale). Never throws: the change
   * is already in MySQL, and the event re-drives the shared eviction if the direct one failed.
   */
  onSeatChanged(ref: SectionRef): Promise<void>;
}

/**
 * The writer's side of cache freshness:
 * 1. `catalog/section.changed` is published: its Inngest function evicts the shared copies again, with retries,
 *    which covers a failed step 2 and any other consumer of the event. It goes first, in the same event-loop
 *    turn as the caller's own events (a hold's `seat.held`), so the publisher sends them together;
 * 2. the shared (Redis) copies are dropped directly, so other processes' next cache fill is fresh and their
 *    in-memory copies (short TTL, counted from when they were read) are gone within that TTL;
 * 3. this process forgets its in-memory copies at once, so its own next read is fresh.
 */
export function createCatalogEviction(deps: {
  cache: CatalogCache;
  events: EventPublisher;
  onError?: (error: unknown, ref: SectionRef) => void;
}): CatalogEviction {
  return {
    async onSeatChanged(ref) {
      const data = { scheduleId: ref.scheduleId, sectionId: ref.sectionId };
      const evict = async () => {
        // Shared first: a local miss between the two steps must not refill memory from a not-yet-evicted Redis.
        try {
          await deps.cache.evictShared(data);
        } catch (error) {
          deps.onError?.(error, data);
        }
        try {
          await deps.cache.evictLocal(data);
        } catch (error) {
          deps.onError?.(error, data);
        }
      };
      await Promise.all([deps.events.publish({ name: CATALOG_SECTION_CHANGED, data }), evict()]);
    },
  };
}

/** What the `catalog/section.changed` function runs. Throws on a broken store so the runner retries. */
export function createEvictSection(deps: { cache: CatalogCache }) {
  return async (ref: SectionRef): Promise<void> => {
    await deps.cache.evictShared(ref);
  };
}

export type EvictSection = ReturnType<typeof createEvictSection>;
