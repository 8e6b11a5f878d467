import { tenant } from '@cifra/db';
import { parseId } from '@cifra/domain';
import { eq } from 'drizzle-orm';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { listAccounts, pageAccounts } from '../services/accounts-page.service.ts';
import { listJournalEntries } from '../services/list-journal-entries.service.ts';
import { reportQueries } from './reports.resolvers.ts';

export const Query: QueryResolvers = {
  ...reportQueries,
  accounts: async (_p, args, ctx) => listAccounts(await ctx.tenantDb(), args),
  accountsConnection: async (_p, args, ctx) => pageAccounts(await ctx.tenantDb(), args),
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
