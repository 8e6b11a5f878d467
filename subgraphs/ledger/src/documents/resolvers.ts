import { DomainError, formatMoney, parseId } from '@cifra/domain';
import type {
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
import type { Document as DocumentModel } from '../mappers.ts';
import { formatNumeric } from '../resolvers/parties.resolvers.ts';
import { booksOf } from '../services/books.ts';
import { applyCredit } from './apply-credit.ts';
import { createDraft, discardDraft, updateDraft } from './drafts.ts';
import { KINDS } from './kinds.ts';
import { listDocuments } from './list.ts';
import { postDocument } from './post.ts';
import { voidDocument } from './void.ts';

const minor = (ctx: Context, currency: string) => ctx.loaders.minorUnits.load(currency);
const money = async (ctx: Context, currency: string, amount: bigint) =>
  formatMoney(amount, await minor(ctx, currency));

export const documentQueries: Pick<QueryResolvers, 'document' | 'documents'> = {
  document: (_p, { id }, ctx) => ctx.loaders.document.load(parseId(id)),
  documents: async (_p, { filter, first, after }, ctx) =>
    listDocuments(await ctx.tenantDb(), { filter, first, after }),
};

export const documentMutations: Pick<
  MutationResolvers,
  | 'createSalesInvoice'
  | 'createCreditNote'
  | 'createPurchaseInvoice'
  | 'createDebitNote'
  | 'createCustomerReceipt'
  | 'createVendorPayment'
  | 'createCustomerRefund'
  | 'createVendorRefund'
  | 'applyCustomerCredit'
  | 'applyVendorCredit'
  | 'updateInvoiceDraft'
  | 'updatePaymentDraft'
  | 'discardDocumentDraft'
  | 'approveSalesInvoice'
  | 'postPurchaseInvoice'
  | 'postPayment'
  | 'voidSalesInvoice'
  | 'voidPurchaseInvoice'
  | 'voidPayment'
> = {
  createSalesInvoice: async (_p, { input }, ctx) => createDraft(await booksOf(ctx), 'SALES_INVOICE', input),
  createCreditNote: async (_p, { input }, ctx) => createDraft(await booksOf(ctx), 'CREDIT_NOTE', input),
  createPurchaseInvoice: async (_p, { input }, ctx) =>
    createDraft(await booksOf(ctx), 'PURCHASE_INVOICE', input),
  createDebitNote: async (_p, { input }, ctx) => createDraft(await booksOf(ctx), 'DEBIT_NOTE', input),
  createCustomerReceipt: async (_p, { input }, ctx) =>
    createDraft(await booksOf(ctx), 'CUSTOMER_RECEIPT', input),
  createVendorPayment: async (_p, { input }, ctx) => createDraft(await booksOf(ctx), 'VENDOR_PAYMENT', input),
  createCustomerRefund: async (_p, { input }, ctx) =>
    createDraft(await booksOf(ctx), 'CUSTOMER_REFUND', input),
  createVendorRefund: async (_p, { input }, ctx) => createDraft(await booksOf(ctx), 'VENDOR_REFUND', input),
  applyCustomerCredit: async (_p, { input }, ctx) =>
    applyCredit(await booksOf(ctx), 'CUSTOMER_CREDIT_APPLICATION', input),
  applyVendorCredit: async (_p, { input }, ctx) =>
    applyCredit(await booksOf(ctx), 'VENDOR_CREDIT_APPLICATION', input),
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
  openCredit: async (d, _a, ctx) => {
    if (KINDS[d.kind].credit !== 'LEAVES' || d.status !== 'POSTED') return null;
    if (await ctx.loaders.voidOfDocument.load(d.id)) return money(ctx, d.currency, 0n);
    return money(ctx, d.currency, d.creditMinor - (await ctx.loaders.settledMinor.load(d.id)));
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

/** The document an entry posted or voided, and the party of a subledger line. */
export const entryDocument: Pick<JournalEntryResolvers, 'document'> = {
  document: async (e, _a, ctx) => (e.sourceId ? ctx.loaders.document.load(e.sourceId) : null),
};
export const lineParty: Pick<JournalLineResolvers, 'party'> = {
  party: (l, _a, ctx) => (l.partyId ? ctx.loaders.party.load(l.partyId) : null),
};
