import { parseIsoDate } from '@cifra/domain';
import type { MutationResolvers, TaxCodeResolvers } from '../__generated__/resolvers.ts';
import { formatNumeric } from '../resolvers/parties.resolvers.ts';
import { booksOf } from '../services/books.ts';
import { rateOn } from './store.ts';
import { createTaxCode, deactivateTaxCode, updateTaxCode } from './tax-codes.ts';

export const taxCodeMutations: Pick<
  MutationResolvers,
  'createTaxCode' | 'updateTaxCode' | 'deactivateTaxCode'
> = {
  createTaxCode: async (_p, { input }, ctx) => createTaxCode(await booksOf(ctx), input),
  updateTaxCode: async (_p, { code, input }, ctx) => updateTaxCode(await booksOf(ctx), code, input),
  deactivateTaxCode: async (_p, { code }, ctx) => deactivateTaxCode(await booksOf(ctx), code),
};

export const taxCodeFields: Pick<TaxCodeResolvers, 'active' | 'rateOn'> = {
  active: (t) => t.active,
  rateOn: async (t, { date }, ctx) =>
    formatNumeric((await rateOn(await ctx.tenantDb(), t.code, parseIsoDate(date, 'date'))) ?? t.ratePercent),
};
