import { ok, type Result } from '../../shared';
import type { CatalogRepository, ConcertPage } from '../ports/catalog-repository.port';

export const CONCERT_PAGE_MAX = 100;
export const CONCERT_PAGE_DEFAULT = 20;

export interface ListConcertsInput {
  readonly cursor?: number;
  readonly limit?: number;
  readonly q?: string;
}

/** Concerts by id, a page at a time, optionally those whose title or artist starts with `q`. */
export function createListConcerts(deps: { catalog: CatalogRepository }) {
  return async (input: ListConcertsInput = {}): Promise<Result<ConcertPage, never>> => {
    const limit = Math.min(Math.max(Math.trunc(input.limit ?? CONCERT_PAGE_DEFAULT), 1), CONCERT_PAGE_MAX);
    const q = input.q?.trim() || undefined;
    return ok(await deps.catalog.listConcerts({ cursor: input.cursor, limit, q }));
  };
}

export type ListConcerts = ReturnType<typeof createListConcerts>;
