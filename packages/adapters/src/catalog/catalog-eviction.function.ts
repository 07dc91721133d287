import type { EvictSection, SectionRef } from '@concert/domain';
import type { AppInngest } from '../inngest/client';
import { parseEventData } from '../inngest/events';

export const CATALOG_EVICTION_FUNCTION_ID = 'catalog-evict-section';

/**
 * `catalog/section.changed` -> drop exactly the changed sections' seats, their dates' sections and their
 * concerts' dates from Redis. Batched (`batchEvents`): a burst of seat changes (500 holds a second) becomes a
 * few runs evicting each distinct section once, instead of a run per change; the writer has already evicted
 * directly, so this safety net may trail by the batch timeout (1 s). One step (no step.run): eviction is idempotent,
 * so a retry of the whole run is safe and cheaper than a checkpoint round trip.
 */
export function createCatalogEvictionFunction(inngest: AppInngest, evictSection: EvictSection) {
  return inngest.createFunction(
    {
      id: CATALOG_EVICTION_FUNCTION_ID,
      name: 'Catalog: evict changed sections from the cache',
      triggers: [{ event: 'catalog/section.changed' }],
      batchEvents: { maxSize: 200, timeout: '1s' },
      retries: 5,
    },
    async ({ events }) => {
      const refs = new Map<string, SectionRef>();
      for (const event of events) {
        const ref = parseEventData('catalog/section.changed', event.data);
        refs.set(`${ref.scheduleId}:${ref.sectionId}`, ref);
      }
      await Promise.all([...refs.values()].map((ref) => evictSection(ref)));
      return { evicted: refs.size, events: events.length };
    },
  );
}
