/** The section whose seats changed state (hold, release, expiry, sale). */
export interface SectionRef {
  readonly scheduleId: number;
  readonly sectionId: number;
}

/**
 * Eviction side of the catalog cache. Reads go through the caching CatalogRepository; this port only forgets.
 * Evicting a section drops exactly: that section's seats, its date's sections (counts changed) and its concert's
 * dates (counts changed). Other sections' seats stay cached.
 */
export interface CatalogCache {
  /** This process's in-memory copies, at once (the process that made the change must never serve them again). */
  evictLocal(ref: SectionRef): Promise<void>;
  /** The shared copies (Redis) that every process reads. Throws when the store is unreachable, so callers retry. */
  evictShared(ref: SectionRef): Promise<void>;
}

/** CATALOG_CACHE=off: nothing is cached, so nothing needs forgetting. */
export const noCatalogCache: CatalogCache = {
  evictLocal: async () => {},
  evictShared: async () => {},
};
