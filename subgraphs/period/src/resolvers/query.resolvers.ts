import { tenant } from '@cifra/db';
import { asc, eq } from 'drizzle-orm';
import type { QueryResolvers } from '../__generated__/resolvers.ts';

export const Query: QueryResolvers = {
  periods: async (_p, { fiscalYear }, ctx) => {
    const db = await ctx.tenantDb();
    return db
      .select()
      .from(tenant.postingPeriods)
      .where(eq(tenant.postingPeriods.fiscalYear, fiscalYear))
      .orderBy(asc(tenant.postingPeriods.periodNumber));
  },
  fiscalYears: async (_p, _a, ctx) => {
    const db = await ctx.tenantDb();
    return db.select().from(tenant.fiscalYears).orderBy(asc(tenant.fiscalYears.year));
  },
};
