/**
 * There is no "one concert" procedure: the list, starting just before an id with limit 1, returns exactly that
 * concert (ids are the list's order). One primary-key lookup, cached like any list page.
 */
export function concertByIdInput(concertId: number): { cursor?: number; limit: number } {
  return concertId > 1 ? { cursor: concertId - 1, limit: 1 } : { limit: 1 };
}
