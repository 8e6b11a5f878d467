import { tenant } from '@cifra/db';
import { parseId } from '@cifra/domain';
import { asc, eq } from 'drizzle-orm';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { listJournalEntries } from '../services/list-journal-entries.service.ts';
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
  journalEntries: async (_p, { filter, first, after }, ctx) => {
    const page = await listJournalEntries(await ctx.tenantDb(), { filter, first, after });
    // A reversal's `reverses` often names an entry of the same page: the loader then has it.
    for (const { node } of page.edges) ctx.loaders.entry.prime(node.id, node);
    return page;
  },
};
