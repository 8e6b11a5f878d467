import type { MutationResolvers } from '../__generated__/resolvers.ts';
import { exportLedger } from '../services/export-ledger.service.ts';
import { postJournalEntries } from '../services/post-journal-entries.service.ts';

export const bulkMutations: Pick<MutationResolvers, 'postJournalEntries' | 'exportLedger'> = {
  postJournalEntries: async (_p, { input }, ctx) => {
    const [db, company] = await Promise.all([ctx.tenantDb(), ctx.loaders.company()]);
    return postJournalEntries(db, company, ctx.actor, input);
  },
  exportLedger: async (_p, args, ctx) => {
    const db = await ctx.tenantDb();
    const tenant = ctx.request.tenant as { id: string; slug: string };
    const integration = ctx.request.integration;
    return exportLedger(
      db,
      ctx.deps.exportLinks,
      { ...ctx.actor, integration: integration && { clientId: integration.clientId, via: integration.via } },
      tenant,
      args,
    );
  },
};
