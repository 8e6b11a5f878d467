import { control } from '@cifra/db';
import { asc } from 'drizzle-orm';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { findCurrency } from '../services/find-currency.service.ts';

export const Query: QueryResolvers = {
  currencies: (_p, _a, ctx) =>
    ctx.control.select().from(control.currencies).orderBy(asc(control.currencies.code)),
  currency: (_p, { code }, ctx) => findCurrency(ctx.control, code),
};
