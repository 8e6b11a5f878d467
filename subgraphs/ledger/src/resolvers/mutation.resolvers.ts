import type { MutationResolvers } from '../__generated__/resolvers.ts';
import { postJournalEntry } from '../services/post-journal-entry.service.ts';
import { bulkMutations } from './bulk.resolvers.ts';

export const Mutation: MutationResolvers = {
  ...bulkMutations,
  postJournalEntry: async (_p, { input }, ctx) => {
    const [db, company] = await Promise.all([ctx.tenantDb(), ctx.loaders.company()]);
    return postJournalEntry(db, company, ctx.actor, input);
  },
};
