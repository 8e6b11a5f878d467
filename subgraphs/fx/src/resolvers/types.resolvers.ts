import type { CurrencyResolvers } from '../__generated__/resolvers.ts';
import { findCurrency } from '../services/find-currency.service.ts';

export const Currency: CurrencyResolvers = {
  __resolveReference: (ref, ctx) => findCurrency(ctx.control, ref.code),
};
