import type { EvictSection } from '@concert/domain';
import type { AppInngest } from '../inngest/client';
import { parseEventData } from '../inngest/events';

export const CATALOG_EVICTION_FUNCTION_ID = 'catalog-evict-section';

/**
 * `catalog/section.changed` -> drop exactly that section's seats, its date's sections and its concert's dates
 * from Redis. One step (no step.run): eviction is idempotent, so a retry of the whole run is safe and cheaper
 * than a checkpoint round trip.
 */
export function createCatalogEvictionFunction(inngest: AppInngest, evictSection: EvictSection) {
  return inngest.createFunction(
    {
      id: CATALOG_EVICTION_FUNCTION_ID,
      name: 'Catalog: evict a changed section from the cache',
      triggers: [{ event: 'catalog/section.changed' }],
      retries: 5,
    },
    async ({ event }) => {
      const ref = parseEventData('catalog/section.changed', event.data);
      await evictSection(ref);
      return { evicted: ref };
    },
  );
}
