import { formatMoney, formatRate, parseIsoDate } from '@cifra/domain';
import type {
  FxExposureItemResolvers,
  FxRevaluationLineResolvers,
  QueryResolvers,
} from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';
import { booksOf, inBooksSnapshot } from '../services/books.ts';
import { type ExposureAmounts, unrealizedFxExposure } from '../services/fx-exposure.service.ts';
import type { Revaluation, RevaluationRate } from '../services/revaluation.service.ts';
import { rateLookup } from '../services/revaluation-rates.ts';

/** Printed with every revalued figure: none of it is in the books. */
export const UNPOSTED_LABEL = 'Unposted analysis at other rates: nothing here is posted or in the books';

export const formatRevaluationRate = (r: RevaluationRate) => ({
  currency: r.currency,
  rate: formatRate(r.rate),
  rateDate: r.rateDate,
  source: r.source,
  isFallback: r.isFallback,
  isOverride: r.isOverride,
});

export function formatRevaluation(r: Revaluation, baseCurrency: string, baseMinorUnits: number) {
  const base = (m: bigint) => formatMoney(m, baseMinorUnits);
  return {
    revalueAt: r.revalueAt,
    posted: false,
    label: UNPOSTED_LABEL,
    baseCurrency,
    rates: r.rates.map(formatRevaluationRate),
    lines: r.lines.map((l) => ({
      accountId: l.accountId,
      accountCode: l.accountCode,
      documentId: l.documentId,
      partyId: l.partyId,
      currency: l.currency,
      originalAmount: formatMoney(l.originalMinor, l.minorUnits),
      bookedBase: base(l.bookedBaseMinor),
      revaluedBase: base(l.revaluedBaseMinor),
      difference: base(l.differenceMinor),
    })),
    bookedBase: base(r.bookedBaseMinor),
    revaluedBase: base(r.revaluedBaseMinor),
    difference: base(r.differenceMinor),
  };
}

export const revaluationQueries: Pick<QueryResolvers, 'unrealizedFxExposure'> = {
  unrealizedFxExposure: async (_p, { asOf }, ctx) => {
    const books = await booksOf(ctx);
    const date = parseIsoDate(asOf, 'asOf');
    // The rates are read in the report's snapshot too: one connection answers the whole report.
    const x = await inBooksSnapshot(books, async (snapshot) =>
      unrealizedFxExposure(snapshot, date, await rateLookup(snapshot)),
    );
    const units = books.company.baseMinorUnits;
    const base = (m: bigint) => formatMoney(m, units);
    const amounts = (a: ExposureAmounts, minorUnits: number) => ({
      openAmount: formatMoney(a.openMinor, minorUnits),
      bookedBase: base(a.bookedBaseMinor),
      revaluedBase: base(a.revaluedBaseMinor),
      unrealized: base(a.unrealizedMinor),
    });
    return {
      asOf: x.asOf,
      posted: false,
      label: UNPOSTED_LABEL,
      baseCurrency: books.company.baseCurrency.trim(),
      rates: x.rates.map(formatRevaluationRate),
      items: x.items.map((i) => ({
        side: i.side,
        documentId: i.documentId as string,
        partyId: i.partyId as string,
        currency: i.currency,
        dueDate: i.dueDate,
        daysPastDue: i.daysPastDue,
        openAmount: formatMoney(i.originalMinor, i.minorUnits),
        bookedBase: base(i.bookedBaseMinor),
        revaluedBase: base(i.revaluedBaseMinor),
        unrealized: base(i.differenceMinor),
      })),
      currencies: x.currencies.map((c) => ({
        currency: c.currency,
        receivables: amounts(c.receivables, c.minorUnits),
        payables: amounts(c.payables, c.minorUnits),
        unrealized: base(c.unrealizedMinor),
      })),
      unrealized: base(x.unrealizedMinor),
    };
  },
};

export const FxRevaluationLine: FxRevaluationLineResolvers<Context> = {
  account: (l, _a, ctx) => (l.accountId ? ctx.loaders.account.load(l.accountId) : null),
  document: (l, _a, ctx) => (l.documentId ? ctx.loaders.document.load(l.documentId) : null),
  party: (l, _a, ctx) => (l.partyId ? ctx.loaders.party.load(l.partyId) : null),
};

export const FxExposureItem: FxExposureItemResolvers<Context> = {
  document: (i, _a, ctx) => ctx.loaders.document.load(i.documentId),
  party: (i, _a, ctx) => ctx.loaders.party.load(i.partyId),
};
