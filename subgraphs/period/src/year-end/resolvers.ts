import { formatMoney, ISO_4217, parseId } from '@cifra/domain';
import { loadCompany } from '@cifra/engine';
import type { MutationResolvers, QueryResolvers, Resolvers } from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';
import { fxVarianceModeOf, periodActor } from '../period-actor.ts';
import { approveYearEndClose } from './approve.ts';
import { prepareYearEndClose } from './prepare.ts';
import {
  approveYearEndCloseReversal,
  pageYearEndCloseReversals,
  requestYearEndCloseReversal,
  yearEndCloseReversals,
} from './reversal.ts';
import { type YearEndCloseDraft, yearEndCloseDraft } from './review.ts';

/** A draft with the base currency its amounts are in. */
async function withCurrency(ctx: Context, draft: YearEndCloseDraft) {
  const company = await loadCompany(await ctx.tenantDb());
  return { ...draft, currency: company.baseCurrency, minorUnits: company.baseMinorUnits };
}

const fxMode = (ctx: Context) => fxVarianceModeOf(ctx.control, ctx.tenantId());

export const yearEndQueries: Pick<
  QueryResolvers,
  'yearEndCloseDraft' | 'yearEndCloseReversals' | 'yearEndCloseReversalsConnection'
> = {
  yearEndCloseDraft: async (_p, { fiscalYear, draftId }, ctx) => {
    const db = await ctx.tenantDb();
    // Without either, the client's current fiscal year on its own clock (yearEndCloseDraft).
    const args = draftId != null ? { draftId: parseId(draftId, 'draftId') } : { fiscalYear };
    try {
      return await withCurrency(
        ctx,
        await yearEndCloseDraft(db, periodActor(ctx), { ...args, fxVarianceMode: await fxMode(ctx) }),
      );
    } catch (err) {
      if ((err as { code?: string }).code === 'NOT_FOUND') return null;
      throw err;
    }
  },
  yearEndCloseReversals: async (_p, { fiscalYear }, ctx) =>
    yearEndCloseReversals(await ctx.tenantDb(), periodActor(ctx), { fiscalYear }),
  yearEndCloseReversalsConnection: async (_p, args, ctx) =>
    pageYearEndCloseReversals(await ctx.tenantDb(), periodActor(ctx), args),
};

export const yearEndMutations: Pick<
  MutationResolvers,
  | 'prepareYearEndClose'
  | 'approveYearEndClose'
  | 'requestYearEndCloseReversal'
  | 'approveYearEndCloseReversal'
> = {
  prepareYearEndClose: async (_p, { fiscalYear }, ctx) =>
    withCurrency(
      ctx,
      await prepareYearEndClose(await ctx.tenantDb(), periodActor(ctx), {
        fiscalYear,
        fxVarianceMode: await fxMode(ctx),
      }),
    ),
  approveYearEndClose: async (_p, { draftId }, ctx) => {
    const db = await ctx.tenantDb();
    const actor = periodActor(ctx);
    const fxVarianceMode = await fxMode(ctx);
    const result = await approveYearEndClose(db, actor, {
      draftId: parseId(draftId, 'draftId'),
      fxVarianceMode,
    });
    return withCurrency(
      ctx,
      await yearEndCloseDraft(db, actor, { draftId: result.close.id, fxVarianceMode }),
    );
  },
  requestYearEndCloseReversal: async (_p, { fiscalYear, reason }, ctx) =>
    requestYearEndCloseReversal(await ctx.tenantDb(), periodActor(ctx), { fiscalYear, reason }),
  approveYearEndCloseReversal: async (_p, { requestId }, ctx) =>
    approveYearEndCloseReversal(await ctx.tenantDb(), periodActor(ctx), {
      requestId: parseId(requestId, 'requestId'),
    }),
};

const minorUnitsOf = (currency: string, fallback: number) =>
  ISO_4217.find((c) => c.code === currency)?.minorUnits ?? fallback;

export const yearEndTypes: Pick<Resolvers, 'YearEndClose' | 'YearEndCloseLine'> = {
  YearEndClose: {
    id: (d) => d.close.id,
    fiscalYear: (d) => d.close.fiscalYear,
    status: (d) => d.close.status,
    stale: (d) => d.stale,
    fingerprint: (d) => d.close.fingerprint,
    fxVarianceMode: (d) => d.close.fxVarianceMode,
    closingDate: (d) => d.close.closingDate,
    netIncome: (d) => formatMoney(d.close.netIncomeMinor, d.minorUnits),
    currency: (d) => d.currency,
    preparedByEmail: (d) => d.close.preparedByEmail,
    preparedAt: (d) => d.close.preparedAt,
    approvedByEmail: (d) => d.close.approvedByEmail,
    approvedAt: (d) => d.close.approvedAt,
    closingEntryId: (d) => d.close.closingEntryId,
    reversalEntryId: (d) => d.close.reversalEntryId,
    lines: (d) => d.lines.map((l) => ({ ...l, minorUnits: d.minorUnits })),
  },
  YearEndCloseLine: {
    kind: (l) => l.group,
    debit: (l) => formatMoney(l.amountMinor > 0n ? l.amountMinor : 0n, l.minorUnits),
    credit: (l) => formatMoney(l.amountMinor < 0n ? -l.amountMinor : 0n, l.minorUnits),
    originalAmount: (l) => formatMoney(l.originalAmountMinor, minorUnitsOf(l.originalCurrency, l.minorUnits)),
  },
};
