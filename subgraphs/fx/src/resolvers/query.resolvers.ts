import { control } from '@cifra/db';
import { asc } from 'drizzle-orm';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { clientFx, clientSettings, knownCurrency } from '../services/client-fx.service.ts';
import { findCurrency } from '../services/find-currency.service.ts';
import { lookupRate, rateHistory } from '../services/rates.service.ts';
import { refreshStatus } from '../services/refresh-status.service.ts';

export const Query: QueryResolvers = {
  currencies: (_p, _a, ctx) =>
    ctx.control.select().from(control.currencies).orderBy(asc(control.currencies.code)),
  currency: (_p, { code }, ctx) => findCurrency(ctx.control, code),
  exchangeRate: async (_p, { currency, date }, ctx) => {
    const { code } = await knownCurrency(ctx.control, currency);
    const db = await ctx.tenantDb();
    const [client, settings] = await Promise.all([clientFx(db), clientSettings(ctx.control, ctx.tenantId())]);
    return lookupRate(db, client, code, date, settings.fxStalenessDays);
  },
  exchangeRates: async (_p, { currency, from, to }, ctx) => {
    const { code } = await knownCurrency(ctx.control, currency);
    const db = await ctx.tenantDb();
    return rateHistory(db, await clientFx(db), code, from, to);
  },
  fxRefreshStatus: async (_p, _a, ctx) => refreshStatus(ctx.control, await ctx.tenantDb(), ctx.tenantId()),
};
