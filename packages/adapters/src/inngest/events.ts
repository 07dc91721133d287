import { PAYMENT_FAILURE_REASONS } from '@concert/domain';
import { NonRetriableError } from 'inngest';
import { z } from 'zod';

/**
 * Every event of the product, with its payload schema. Payloads are checked on send and on receive.
 * Add new events here (one place), named `<context>/<thing>.<past-tense verb>`.
 */
const id = z.number().int().positive();
const won = z.number().int().nonnegative();
/** Where a reservation sits: every reservation event carries it, and section eviction needs no more. */
const reservationRef = z.object({
  reservationId: id,
  userId: id,
  seatId: id,
  scheduleId: id,
  sectionId: id,
  concertId: id,
});

export const EVENT_SCHEMAS = {
  'workflow/tickers.kick': z.object({ reason: z.string().max(100) }),
  'catalog/section.changed': z.object({ scheduleId: id, sectionId: id }),
  'reservation/seat.held': reservationRef.extend({ amount: won, expiresAt: z.iso.datetime() }),
  'reservation/hold.released': reservationRef,
  'reservation/hold.expired': reservationRef,
  // Payment saga (packages/adapters/src/payment): requested by payment.pay, completed/failed when it ends.
  'payment/requested': z.object({ paymentId: id, userId: id, reservationId: id }),
  'payment/completed': reservationRef.extend({ paymentId: id, amount: won, completedAt: z.iso.datetime() }),
  'payment/failed': z.object({
    paymentId: id,
    userId: id,
    reservationId: id,
    failureReason: z.enum(PAYMENT_FAILURE_REASONS),
  }),
} as const;

export type EventName = keyof typeof EVENT_SCHEMAS;
export type EventData<N extends EventName> = z.infer<(typeof EVENT_SCHEMAS)[N]>;

export function parseEventData<N extends EventName>(name: N, data: unknown): EventData<N> {
  return EVENT_SCHEMAS[name].parse(data) as EventData<N>;
}

/**
 * Receive side: inside a function, `const data = readEvent('reservation/seat.held', event)`. A payload that does
 * not match its schema can never succeed, so it fails the run for good instead of burning retries.
 */
export function readEvent<N extends EventName>(name: N, event: { name: string; data: unknown }): EventData<N> {
  if (event.name !== name) throw new NonRetriableError(`expected event ${name}, got ${event.name}`);
  const parsed = EVENT_SCHEMAS[name].safeParse(event.data);
  if (!parsed.success) throw new NonRetriableError(`invalid ${name} payload: ${parsed.error.message}`);
  return parsed.data as EventData<N>;
}
