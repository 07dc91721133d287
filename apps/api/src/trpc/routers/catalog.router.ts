import { z } from 'zod';
import { publicProcedure, router } from '../trpc';

export const catalogRouter = router({
  concerts: publicProcedure
    .input(
      z
        .object({
          cursor: z.number().int().positive().optional(),
          limit: z.number().int().min(1).max(100).default(20),
          q: z.string().trim().max(100).optional(),
        })
        .default({ limit: 20 }),
    )
    .query(async ({ ctx, input }) => {
      let query = ctx.container.db
        .selectFrom('concerts')
        .select(['id', 'title', 'artist', 'venue', 'first_date', 'last_date'])
        .orderBy('id')
        .limit(input.limit + 1);
      if (input.cursor) query = query.where('id', '>', input.cursor);
      const rows = await query.execute();
      const items = rows.slice(0, input.limit).map((r) => ({
        concertId: r.id,
        title: r.title,
        artist: r.artist,
        venue: r.venue,
        firstDate: r.first_date?.toISOString() ?? null,
        lastDate: r.last_date?.toISOString() ?? null,
      }));
      return { items, nextCursor: rows.length > input.limit ? (items.at(-1)?.concertId ?? null) : null };
    }),
});
