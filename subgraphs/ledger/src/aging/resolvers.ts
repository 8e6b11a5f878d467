import { badInput, formatMoney, parseIsoDate } from '@cifra/domain';
import type { AgingInvoiceResolvers, AgingRowResolvers, QueryResolvers } from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';
import { formatRevaluation } from '../resolvers/revaluation.resolvers.ts';
import { booksOf, inBooksSnapshot } from '../services/books.ts';
import { RatesOn, revalueAging } from '../services/revaluation.service.ts';
import { rateLookup } from '../services/revaluation-rates.ts';
import { type AgingReportData, aging, type Buckets } from './aging.ts';

function buckets(b: Buckets, units: number) {
  return {
    current: formatMoney(b.current, units),
    days1To30: formatMoney(b.days1To30, units),
    days31To60: formatMoney(b.days31To60, units),
    days61To90: formatMoney(b.days61To90, units),
    over90: formatMoney(b.over90, units),
    total: formatMoney(b.total, units),
  };
}

async function agingReport(
  ctx: Context,
  kind: 'SALES_INVOICE' | 'PURCHASE_INVOICE',
  asOf: string,
  revalueAt?: string | null,
) {
  const books = await booksOf(ctx);
  const base = books.company.baseMinorUnits;
  const baseCurrency = books.company.baseCurrency.trim();
  // The rates too are read in the aging's snapshot: one connection answers the whole report.
  const { report, revalued } = await inBooksSnapshot(books, async (snapshot) => {
    const report: AgingReportData = await aging(snapshot, kind, parseIsoDate(asOf, 'asOf'));
    const revalued = revalueAt
      ? await revalueAging(
          { baseCurrency, baseMinorUnits: base },
          report,
          kind === 'SALES_INVOICE' ? 'RECEIVABLE' : 'PAYABLE',
          new RatesOn(parseIsoDate(revalueAt, 'revalueAt'), await rateLookup(snapshot)),
        )
      : null;
    return { report, revalued };
  });
  const revaluedTotal = revalued?.rowBuckets.reduce(addBuckets, emptyBuckets()) ?? null;
  return {
    asOf,
    baseCurrency,
    totalBase: buckets(report.totalBase, base),
    revaluation: revalued && formatRevaluation(revalued.revaluation, baseCurrency, base),
    revaluedTotalBase: revaluedTotal && buckets(revaluedTotal, base),
    rows: report.rows.map((r, i) => ({
      partyId: r.partyId,
      currency: r.currency,
      amounts: buckets(r.amounts, r.minorUnits),
      base: buckets(r.base, base),
      revaluedBase: revalued ? buckets(revalued.rowBuckets[i] as Buckets, base) : null,
      invoices: r.invoices.map((inv) => {
        const at = inv.documentId ? revalued?.invoices.get(inv.documentId) : undefined;
        return {
          documentId: inv.documentId,
          entryId: inv.entryId,
          dueDate: inv.dueDate,
          daysPastDue: inv.daysPastDue,
          openBalance: formatMoney(inv.openMinor, r.minorUnits),
          baseOpenBalance: formatMoney(inv.baseOpenMinor, base),
          revaluedBaseOpenBalance: at === undefined ? null : formatMoney(at, base),
        };
      }),
    })),
  };
}

const emptyBuckets = (): Buckets => ({
  current: 0n,
  days1To30: 0n,
  days31To60: 0n,
  days61To90: 0n,
  over90: 0n,
  total: 0n,
});
const addBuckets = (a: Buckets, b: Buckets): Buckets => ({
  current: a.current + b.current,
  days1To30: a.days1To30 + b.days1To30,
  days31To60: a.days31To60 + b.days31To60,
  days61To90: a.days61To90 + b.days61To90,
  over90: a.over90 + b.over90,
  total: a.total + b.total,
});

export const agingQueries: Pick<QueryResolvers, 'arAging' | 'apAging'> = {
  arAging: (_p, { asOf, revalueAt }, ctx) => agingReport(ctx, 'SALES_INVOICE', asOf, revalueAt),
  apAging: (_p, { asOf, revalueAt }, ctx) => agingReport(ctx, 'PURCHASE_INVOICE', asOf, revalueAt),
};

/** The most `AgingRow.invoices(first:)` takes (a party's open documents are shown a screen at a time). */
const MAX_AGING_INVOICES = 500;

export const AgingRow: AgingRowResolvers = {
  party: (r, _a, ctx) => ctx.loaders.party.load(r.partyId),
  // `first` bounds the list for a caller asking every row's documents at once (the gateway's cost
  // estimate counts an unbounded list as 50 a row).
  invoices: (r, { first }) => {
    if (first === null || first === undefined) return r.invoices;
    if (!Number.isInteger(first) || first < 0 || first > MAX_AGING_INVOICES)
      throw badInput(`first: between 0 and ${MAX_AGING_INVOICES}`, { field: 'first' });
    return r.invoices.slice(0, first);
  },
  invoiceCount: (r) => r.invoices.length,
};

export const AgingInvoice: AgingInvoiceResolvers = {
  document: (i, _a, ctx) => (i.documentId ? ctx.loaders.document.load(i.documentId) : null),
  entry: (i, _a, ctx) => (i.entryId ? ctx.loaders.entry.load(i.entryId) : null),
};
