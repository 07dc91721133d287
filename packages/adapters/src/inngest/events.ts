import { z } from 'zod';

/**
 * Every event of the product, with its payload schema. Payloads are checked on send and on receive.
 * Add new events here (one place), named `<context>/<thing>.<past-tense verb>`.
 */
export const EVENT_SCHEMAS = {
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
} as const;

export type EventName = keyof typeof EVENT_SCHEMAS;
export type EventData<N extends EventName> = z.infer<(typeof EVENT_SCHEMAS)[N]>;

export function parseEventData<N extends EventName>(name: N, data: unknown): EventData<N> {
  return EVENT_SCHEMAS[name].parse(data) as EventData<N>;
}
