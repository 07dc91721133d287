/** Opaque ids (idempotency keys, run ids, pass ids) come from a port; database rows use auto-increment ids. */
export interface IdGenerator {
  next(): string;
}
