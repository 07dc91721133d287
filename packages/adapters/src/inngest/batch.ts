import { type EventData, parseEventData } from './events';

/**
 * The holds of a `reservation/seat.held` batch, one per reservation: an event delivered twice (a redelivery)
 * counts once. Keyed by reservation id, in arrival order.
 */
export function heldReservations(
  events: ReadonlyArray<{ data: unknown }>,
): Map<number, EventData<'reservation/seat.held'>> {
  const held = new Map<number, EventData<'reservation/seat.held'>>();
  for (const event of events) {
    const data = parseEventData('reservation/seat.held', event.data);
    held.set(data.reservationId, data);
  }
  return held;
}

/**
 * `fn` over `items` with at most `limit` calls in flight, results in input order: what a batched step uses so a
 * batch of 100 neither runs one after another nor starts everything in one go. Like Promise.all, it rejects on
 * the first failure (no new call starts after it).
 */
export async function mapWithLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
