import { formatMoney, parseId } from '@cifra/domain';
import type { AllocationResolvers, MutationResolvers } from '../__generated__/resolvers.ts';
import { voidDocument } from '../documents/void.ts';
import { booksOf } from '../services/books.ts';
import { writeOffBadDebt } from './write-off.ts';

export const writeOffMutations: Pick<MutationResolvers, 'writeOffBadDebt' | 'voidBadDebtWriteOff'> = {
  writeOffBadDebt: async (_p, { input }, ctx) => writeOffBadDebt(await booksOf(ctx), input),
  voidBadDebtWriteOff: async (_p, { id, reason, voidDate }, ctx) =>
    voidDocument(await booksOf(ctx), parseId(id), 'WRITE_OFF', reason, voidDate),
};

export const allocationSmallDifference: Pick<AllocationResolvers, 'smallDifference'> = {
  smallDifference: async (a, _a, ctx) => {
    const invoice = await ctx.loaders.document.load(a.invoiceId);
    const currency = invoice?.currency ?? (await ctx.loaders.company()).baseCurrency;
    return formatMoney(a.smallDifferenceMinor ?? 0n, await ctx.loaders.minorUnits.load(currency));
  },
};
