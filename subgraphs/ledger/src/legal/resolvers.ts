import type { MutationResolvers, QueryResolvers } from '../__generated__/resolvers.ts';
import { booksOf } from '../services/books.ts';
import { isComplete, updateLegalDetails } from './legal-details.ts';
import { legalDetailsOf } from './store.ts';

const view = <T extends Parameters<typeof isComplete>[0]>(d: T) => ({ ...d, complete: isComplete(d) });

export const legalQueries: Pick<QueryResolvers, 'legalDetails'> = {
  legalDetails: async (_p, _a, ctx) => {
    const details = await legalDetailsOf(await ctx.tenantDb());
    return details ? view(details) : null;
  },
};

export const legalMutations: Pick<MutationResolvers, 'updateLegalDetails'> = {
  updateLegalDetails: async (_p, { input }, ctx) => view(await updateLegalDetails(await booksOf(ctx), input)),
};
