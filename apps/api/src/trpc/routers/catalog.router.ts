import { type AvailableDatesOutput, CONCERT_PAGE_DEFAULT, CONCERT_PAGE_MAX } from '@concert/domain';
import { z } from 'zod';
import { publicProcedure, router, unwrapOrThrow } from '../trpc';

/** Ids on the wire are positive safe integers: "1", 1.5 or -1 are BAD_REQUEST, never a lookup. */
const id = z.number().int().positive();

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Inputs and the dates mapping, shared with the lean HTTP route (catalog/catalog-fast-path.route.ts). */
export const catalogInputs = {
  availableDates: z.object({ concertId: id }),
  sections: z.object({ scheduleId: id }),
  availableSeats: z.object({ scheduleId: id, sectionId: id.optional() }),
};

export function datesToWire(result: AvailableDatesOutput) {
  return {
    concertId: result.concertId,
    dates: result.dates.map((d) => ({
      scheduleId: d.scheduleId,
      startsAt: d.startsAt.toISOString(),
      availableSeats: d.availableSeats,
    })),
  };
}

export const catalogRouter = router({
  concerts: publicProcedure
    .input(
      z
        .object({
          cursor: id.optional(),
          limit: z.number().int().min(1).max(CONCERT_PAGE_MAX).default(CONCERT_PAGE_DEFAULT),
          q: z.string().max(100).optional(),
        })
        .default({ limit: CONCERT_PAGE_DEFAULT }),
    )
    .query(async ({ ctx, input }) => {
      const page = unwrapOrThrow(await ctx.container.catalog.listConcerts(input));
      return {
        items: page.items.map((c) => ({
          concertId: c.concertId,
          title: c.title,
          artist: c.artist,
          venue: c.venue,
          firstDate: iso(c.firstDate),
          lastDate: iso(c.lastDate),
        })),
        nextCursor: page.nextCursor,
      };
    }),

  availableDates: publicProcedure.input(catalogInputs.availableDates).query(async ({ ctx, input }) => {
    return datesToWire(unwrapOrThrow(await ctx.container.catalog.availableDates(input.concertId)));
  }),

  // Sections and seats already have the wire shape; they are returned as the use case gives them (no copy).
  sections: publicProcedure.input(catalogInputs.sections).query(async ({ ctx, input }) => {
    return unwrapOrThrow(await ctx.container.catalog.sections(input.scheduleId));
  }),

  availableSeats: publicProcedure.input(catalogInputs.availableSeats).query(async ({ ctx, input }) => {
    return unwrapOrThrow(await ctx.container.catalog.availableSeats(input));
  }),
});
