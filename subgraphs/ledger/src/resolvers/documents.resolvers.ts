import { tenant } from '@cifra/db';
import { DomainError, formatMoney, isDocumentKind, parseId, parseIsoDate } from '@cifra/domain';
import { asc } from 'drizzle-orm';
import type {
  AgingInvoiceResolvers,
  AgingRowResolvers,
  AllocationResolvers,
  DocumentLineResolvers,
  DocumentResolvers,
  DocumentVoidResolvers,
  JournalEntryResolvers,
  JournalLineResolvers,
  MutationResolvers,
  QueryResolvers,
} from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';
import {
  createDraft,
  discardDraft,
  listDocuments,
  postDocument,
  updateDraft,
  voidDocument,
} from '../documents/index.ts';
import type { Document as DocumentModel } from '../mappers.ts';
import { type AgingReportData, aging, type Buckets } from '../services/aging.service.ts';
import { booksOf } from '../services/books.ts';
import { setNumberingPrefix } from '../services/numbering.service.ts';
import { RatesOn, revalueAging } from '../services/revaluation.service.ts';
import { formatNumeric } from './parties.resolvers.ts';
import { formatRevaluation, requestRateLookup } from './revaluation.resolvers.ts';

const minor = (ctx: Context, currency: string) => ctx.loaders.minorUnits.load(currency);
const money = async (ctx: Context, currency: string, amount: bigint) =>
  formatMoney(amount, await minor(ctx, currency));

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
  const report: AgingReportData = await aging(books, kind, parseIsoDate(asOf, 'asOf'));
  const base = books.company.baseMinorUnits;
  const baseCurrency = books.company.baseCurrency.trim();
  const revalued = revalueAt
    ? await revalueAging(
        { baseCurrency, baseMinorUnits: base },
        report,
        kind === 'SALES_INVOICE' ? 'RECEIVABLE' : 'PAYABLE',
        new RatesOn(parseIsoDate(revalueAt, 'revalueAt'), await requestRateLookup(ctx)),
      )
    : null;
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

export const documentQueries: Pick<
  QueryResolvers,
  'document' | 'documents' | 'numberingPrefixes' | 'arAging' | 'apAging'
> = {
  document: (_p, { id }, ctx) => ctx.loaders.document.load(parseId(id)),
  documents: async (_p, { filter, first, after }, ctx) =>
    listDocuments(await ctx.tenantDb(), { filter, first, after }),
  numberingPrefixes: async (_p, _a, ctx) => {
    const db = await ctx.tenantDb();
    const rows = await db
      .select()
      .from(tenant.numberingPrefixes)
      .orderBy(asc(tenant.numberingPrefixes.documentType));
    return rows.flatMap((r) =>
      isDocumentKind(r.documentType) ? [{ documentKind: r.documentType, prefix: r.prefix }] : [],
    );
  },
  arAging: (_p, { asOf, revalueAt }, ctx) => agingReport(ctx, 'SALES_INVOICE', asOf, revalueAt),
  apAging: (_p, { asOf, revalueAt }, ctx) => agingReport(ctx, 'PURCHASE_INVOICE', asOf, revalueAt),
};

export const documentMutations: Pick<
  MutationResolvers,
  | 'createSalesInvoice'
  | 'createCreditNote'
  | 'createPurchaseInvoice'
  | 'createDebitNote'
  | 'createCustomerReceipt'
  | 'createVendorPayment'
  | 'updateInvoiceDraft'
  | 'updatePaymentDraft'
  | 'discardDocumentDraft'
  | 'approveSalesInvoice'
  | 'postPurchaseInvoice'
  | 'postPayment'
  | 'voidSalesInvoice'
  | 'voidPurchaseInvoice'
  | 'voidPayment'
  | 'setNumberingPrefix'
> = {
  createSalesInvoice: async (_p, { input }, ctx) => createDraft(await booksOf(ctx), 'SALES_INVOICE', input),
  createCreditNote: async (_p, { input }, ctx) => createDraft(await booksOf(ctx), 'CREDIT_NOTE', input),
  createPurchaseInvoice: async (_p, { input }, ctx) =>
    createDraft(await booksOf(ctx), 'PURCHASE_INVOICE', input),
  createDebitNote: async (_p, { input }, ctx) => createDraft(await booksOf(ctx), 'DEBIT_NOTE', input),
  createCustomerReceipt: async (_p, { input }, ctx) =>
    createDraft(await booksOf(ctx), 'CUSTOMER_RECEIPT', input),
  createVendorPayment: async (_p, { input }, ctx) => createDraft(await booksOf(ctx), 'VENDOR_PAYMENT', input),
  updateInvoiceDraft: async (_p, { id, input }, ctx) =>
    updateDraft(await booksOf(ctx), parseId(id), 'INVOICE', input),
  updatePaymentDraft: async (_p, { id, input }, ctx) =>
    updateDraft(await booksOf(ctx), parseId(id), 'PAYMENT', input),
  discardDocumentDraft: async (_p, { id }, ctx) => discardDraft(await booksOf(ctx), parseId(id)),
  approveSalesInvoice: async (_p, { id }, ctx) => postDocument(await booksOf(ctx), parseId(id), 'SALES'),
  postPurchaseInvoice: async (_p, { id }, ctx) => postDocument(await booksOf(ctx), parseId(id), 'PURCHASING'),
  postPayment: async (_p, { id }, ctx) => postDocument(await booksOf(ctx), parseId(id), 'PAYMENT'),
  voidSalesInvoice: async (_p, { id, reason, voidDate }, ctx) =>
    voidDocument(await booksOf(ctx), parseId(id), 'SALES', reason, voidDate),
  voidPurchaseInvoice: async (_p, { id, reason, voidDate }, ctx) =>
    voidDocument(await booksOf(ctx), parseId(id), 'PURCHASING', reason, voidDate),
  voidPayment: async (_p, { id, reason, voidDate }, ctx) =>
    voidDocument(await booksOf(ctx), parseId(id), 'PAYMENT', reason, voidDate),
  setNumberingPrefix: async (_p, { documentKind, prefix }, ctx) =>
    setNumberingPrefix(await booksOf(ctx), documentKind, prefix),
};

const isInvoice = (d: DocumentModel) => d.kind === 'SALES_INVOICE' || d.kind === 'PURCHASE_INVOICE';

async function openMinor(d: DocumentModel, ctx: Context): Promise<bigint | null> {
  if (!isInvoice(d) || d.status !== 'POSTED') return null;
  if (await ctx.loaders.voidOfDocument.load(d.id)) return 0n;
  return d.totalMinor - (await ctx.loaders.settledMinor.load(d.id));
}

export const Document: DocumentResolvers = {
  __resolveReference: async (ref, ctx) => {
    const doc = await ctx.loaders.document.load(ref.id);
    if (!doc) throw new DomainError('NOT_FOUND', `No document ${ref.id}`, { id: ref.id });
    return doc;
  },
  party: (d, _a, ctx) => ctx.loaders.party.load(d.partyId),
  appliesTo: (d, _a, ctx) => (d.appliesToId ? ctx.loaders.document.load(d.appliesToId) : null),
  bankAccount: (d, _a, ctx) => (d.bankAccountId ? ctx.loaders.account.load(d.bankAccountId) : null),
  exchangeRate: (d) => (d.exchangeRate == null ? null : formatNumeric(d.exchangeRate)),
  bankFee: (d, _a, ctx) => money(ctx, d.currency, d.bankFeeMinor),
  subtotal: (d, _a, ctx) => money(ctx, d.currency, d.subtotalMinor),
  tax: (d, _a, ctx) => money(ctx, d.currency, d.taxMinor),
  total: (d, _a, ctx) => money(ctx, d.currency, d.totalMinor),
  baseTotal: async (d, _a, ctx) =>
    d.baseTotalMinor == null
      ? null
      : formatMoney(d.baseTotalMinor, (await ctx.loaders.company()).baseMinorUnits),
  lines: (d, _a, ctx) => ctx.loaders.linesOfDocument.load(d.id),
  allocations: (d, _a, ctx) => ctx.loaders.allocationsOfSource.load(d.id),
  settlements: (d, _a, ctx) => ctx.loaders.settlementsOfInvoice.load(d.id),
  openBalance: async (d, _a, ctx) => {
    const open = await openMinor(d, ctx);
    return open == null ? null : money(ctx, d.currency, open);
  },
  settlementStatus: async (d, _a, ctx) => {
    if (!isInvoice(d) || d.status !== 'POSTED') return null;
    if (await ctx.loaders.voidOfDocument.load(d.id)) return 'VOIDED';
    const open = (await openMinor(d, ctx)) as bigint;
    if (open === 0n) return 'PAID';
    return open === d.totalMinor ? 'OPEN' : 'PARTIALLY_PAID';
  },
  entry: (d, _a, ctx) => (d.entryId ? ctx.loaders.entry.load(d.entryId) : null),
  voided: async (d, _a, ctx) => !!(await ctx.loaders.voidOfDocument.load(d.id)),
  void: (d, _a, ctx) => ctx.loaders.voidOfDocument.load(d.id),
  postedAt: (d) => d.postedAt,
};

export const DocumentLine: DocumentLineResolvers = {
  item: (l, _a, ctx) => (l.itemId ? ctx.loaders.item.load(l.itemId) : null),
  account: (l, _a, ctx) => ctx.loaders.account.load(l.accountId),
  quantity: (l) => formatNumeric(l.quantity),
  unitPrice: (l) => formatNumeric(l.unitPrice),
  taxCode: (l, _a, ctx) => (l.taxCode ? ctx.loaders.taxCode.load(l.taxCode) : null),
  amount: async (l, _a, ctx) => {
    const doc = await ctx.loaders.document.load(l.documentId);
    return money(ctx, doc?.currency ?? (await ctx.loaders.company()).baseCurrency, l.amountMinor);
  },
  tax: async (l, _a, ctx) => {
    const doc = await ctx.loaders.document.load(l.documentId);
    return money(ctx, doc?.currency ?? (await ctx.loaders.company()).baseCurrency, l.taxMinor);
  },
};

export const Allocation: AllocationResolvers = {
  source: (a, _a, ctx) => ctx.loaders.document.load(a.sourceDocumentId),
  invoice: (a, _a, ctx) => ctx.loaders.document.load(a.invoiceId),
  amount: async (a, _a, ctx) => {
    const invoice = await ctx.loaders.document.load(a.invoiceId);
    return money(ctx, invoice?.currency ?? (await ctx.loaders.company()).baseCurrency, a.amountMinor);
  },
};

export const DocumentVoid: DocumentVoidResolvers = {
  voidedAt: (v) => v.voidedAt,
  reversal: (v, _a, ctx) => ctx.loaders.entry.load(v.reversalEntryId),
};

export const AgingRow: AgingRowResolvers = {
  party: (r, _a, ctx) => ctx.loaders.party.load(r.partyId),
};

export const AgingInvoice: AgingInvoiceResolvers = {
  document: (i, _a, ctx) => (i.documentId ? ctx.loaders.document.load(i.documentId) : null),
  entry: (i, _a, ctx) => (i.entryId ? ctx.loaders.entry.load(i.entryId) : null),
};

/** The document an entry posted or voided, and the party of a subledger line. */
export const entryDocument: Pick<JournalEntryResolvers, 'document'> = {
  document: async (e, _a, ctx) => (e.sourceId ? ctx.loaders.document.load(e.sourceId) : null),
};
export const lineParty: Pick<JournalLineResolvers, 'party'> = {
  party: (l, _a, ctx) => (l.partyId ? ctx.loaders.party.load(l.partyId) : null),
};
