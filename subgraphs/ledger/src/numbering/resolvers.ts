import { isDocumentKind } from '@cifra/domain';
import type { MutationResolvers, QueryResolvers } from '../__generated__/resolvers.ts';
import { booksOf } from '../services/books.ts';
import { setNumberingPrefix } from './set-prefix.ts';
import { numberingPrefixes } from './store.ts';

export const numberingQueries: Pick<QueryResolvers, 'numberingPrefixes'> = {
  numberingPrefixes: async (_p, _a, ctx) =>
    (await numberingPrefixes(await ctx.tenantDb())).flatMap((r) =>
      isDocumentKind(r.documentType) ? [{ documentKind: r.documentType, prefix: r.prefix }] : [],
    ),
};

export const numberingMutations: Pick<MutationResolvers, 'setNumberingPrefix'> = {
  setNumberingPrefix: async (_p, { documentKind, prefix }, ctx) =>
    setNumberingPrefix(await booksOf(ctx), documentKind, prefix),
};
