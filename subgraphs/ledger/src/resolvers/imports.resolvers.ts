import type { MutationResolvers } from '../__generated__/resolvers.ts';
import { postJournalEntries } from '../services/post-journal-entries.service.ts';

export const importMutations: Pick<MutationResolvers, 'postJournalEntries'> = {
  postJournalEntries: async (_p, { input }, ctx) => {
    const [db, company] = await Promise.all([ctx.tenantDb(), ctx.loaders.company()]);
    return postJournalEntries(db, company, ctx.actor, input);
  },
};
