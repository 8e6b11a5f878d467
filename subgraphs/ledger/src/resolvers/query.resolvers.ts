import { tenant } from '@cifra/db';
import { parseId } from '@cifra/domain';
import { asc, eq } from 'drizzle-orm';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { reportQueries } from './reports.resolvers.ts';

export const Query: QueryResolvers = {
  ...reportQueries,
  accounts: async (_p, _a, ctx) => {
    const db = await ctx.tenantDb();
    return db.select().from(tenant.accounts).orderBy(asc(tenant.accounts.code));
  },
  journalEntry: async (_p, { id }, ctx) => {
    const db = await ctx.tenantDb();
    const [entry] = await db
      .select()
      .from(tenant.journalEntries)
      .where(eq(tenant.journalEntries.id, parseId(id)));
    return entry ?? null;
  },
};
