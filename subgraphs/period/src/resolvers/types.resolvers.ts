import { tenant } from '@cifra/db';
import { eq } from 'drizzle-orm';
import type { PostingPeriodResolvers } from '../__generated__/resolvers.ts';

export const PostingPeriod: PostingPeriodResolvers = {
  __resolveReference: async (ref, ctx) => {
    const db = await ctx.tenantDb();
    const [period] = await db
      .select()
      .from(tenant.postingPeriods)
      .where(eq(tenant.postingPeriods.id, ref.id));
    return period ?? null;
  },
};
