import type { MutationResolvers } from '../__generated__/resolvers.ts';
import { clientFx, knownCurrency } from '../services/client-fx.service.ts';
import { overrideExchangeRate } from '../services/override-rate.service.ts';

export const Mutation: MutationResolvers = {
  overrideExchangeRate: async (_p, { currency, date, rate, reason }, ctx) => {
    const { code } = await knownCurrency(ctx.control, currency);
    const db = await ctx.tenantDb();
    const row = await overrideExchangeRate(db, await clientFx(db), ctx.actor, {
      currency: code,
      date,
      rate,
      reason,
    });
    return { ...row, effective: true };
  },
};
