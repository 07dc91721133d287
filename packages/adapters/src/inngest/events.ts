import { NonRetriableError } from 'inngest';
import { z } from 'zod';

/**
 * Every event of the product, with its payload schema. Payloads are checked on send and on receive.
 * Add new events here (one place), named `<context>/<thing>.<past-tense verb>`.
 */
export const EVENT_SCHEMAS = {
  'workflow/tickers.kick': z.object({ reason: z.string().max(100) }),
  'catalog/section.changed': z.object({
    scheduleId: z.number().int().positive(),
    sectionId: z.number().int().positive(),
  }),
  'reservation/seat.held': z.object({
    reservationId: z.number().int().positive(),
    userId: z.number().int().positive(),
    seatId: z.number().int().positive(),
    scheduleId: z.number().int().positive(),
    sectionId: z.number().int().positive(),
    concertId: z.number().int().positive(),
    amount: z.number().int().nonnegative(),
    expiresAt: z.iso.datetime(),
  }),
  'reservation/hold.released': z.object({
    reservationId: z.number().int().positive(),
    userId: z.number().int().positive(),
    seatId: z.number().int().positive(),
    scheduleId: z.number().int().positive(),
    sectionId: z.number().int().positive(),
    concertId: z.number().int().positive(),
  }),
  'reservation/hold.expired': z.object({
    reservationId: z.number().int().positive(),
    userId: z.number().int().positive(),
    seatId: z.number().int().positive(),
    scheduleId: z.number().int().positive(),
    sectionId: z.number().int().positive(),
    concertId: z.number().int().positive(),
  }),
  // Payment saga (packages/adapters/src/payment): requested by payment.pay, completed/failed when it ends.
  'payment/requested': z.object({
    paymentId: z.number().int().positive(),
    userId: z.number().int().positive(),
    reservationId: z.number().int().positive(),
  }),
  'payment/completed': z.object({
    paymentId: z.number().int().positive(),
    userId: z.number().int().positive(),
    reservationId: z.number().int().positive(),
    concertId: z.number().int().positive(),
    scheduleId: z.number().int().positive(),
    sectionId: z.number().int().positive(),
    seatId: z.number().int().positive(),
    amount: z.number().int().nonnegative(),
    completedAt: z.iso.datetime(),
  }),
  'payment/failed': z.object({
    paymentId: z.number().int().positive(),
    userId: z.number().int().positive(),
    reservationId: z.number().int().positive(),
    failureReason: z.enum(['INSUFFICIENT_BALANCE', 'HOLD_EXPIRED', 'GATEWAY_DECLINED', 'GATEWAY_UNAVAILABLE']),
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
