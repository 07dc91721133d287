import { z } from 'zod';
import { fail, publicProcedure, router } from '../trpc';

export const authRouter = router({
  /** Sign in as any existing user by id. Development and load tests only (AUTH_DEV_SIGNIN). */
  devSignIn: publicProcedure
    .input(z.object({ userId: z.number().int().positive() }))
    .mutation(async ({ ctx, input }) => {
      if (!ctx.container.env.AUTH_DEV_SIGNIN) return fail('USER_NOT_FOUND', 'Not found');
      const user = await ctx.container.db
        .selectFrom('users')
        .select('id')
        .where('id', '=', input.userId)
        .executeTakeFirst();
      if (!user) return fail('USER_NOT_FOUND', `User ${input.userId} not found`);
      const { token, expiresAt } = await ctx.container.sessions.issue(input.userId);
      return { sessionToken: token, userId: input.userId, expiresAt: expiresAt.toISOString() };
    }),
});
