/** The queue context's side of a completed payment: the user's ACTIVE pass is spent, freeing the slot. */
export interface QueuePassSpender {
  /** Idempotent: spending a spent or expired pass is a no-op. Throws only on broken infrastructure. */
  spend(userId: number, concertId: number): Promise<void>;
}
