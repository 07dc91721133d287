export interface SeatChange {
  readonly seatId: number;
  readonly scheduleId: number;
  readonly sectionId: number;
}

/**
 * Told after a seat's state change is committed (held, released, expired), so the catalog can evict the cached
 * availability of that section and tell other processes to do the same. Best-effort: must not throw.
 */
export interface SeatChangeListener {
  seatChanged(change: SeatChange): Promise<void>;
}
