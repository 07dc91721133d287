/** What the queue needs from the catalog: does a concert exist, and can anything still be sold for it. */
export interface ConcertDirectory {
  /** May be cached: concerts are not deleted while people queue for them. */
  exists(concertId: number): Promise<boolean>;
  /** The subset of `concertIds` that still have a seat AVAILABLE or HELD; the others are sold out. */
  withSellableSeats(concertIds: readonly number[]): Promise<Set<number>>;
}
