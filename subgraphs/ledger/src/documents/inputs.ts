import { type BoundRequest, boundRequest, parseInput } from '@cifra/domain';
import { z } from 'zod';
import { taxCodeRef } from '../tax-codes/code.ts';
import { isInvoiceLike } from './kinds.ts';
import type { DocumentKind } from './store.ts';

/** What a draft is made of, as the API sends it, and the limits every draft is held to. */

/** document_lines.quantity is numeric(18, 4). */
export const QUANTITY_SCALE = 4;
export const QUANTITY_INTEGER_DIGITS = 14;
const MAX_LINES = 500;

const uuid = z.string().uuid('not a valid id');
const text = (max: number) => z.string().trim().max(max).nullish();

export const invoiceDraftInput = z.object({
  partyId: uuid,
  documentDate: z.string(),
  postingDate: z.string().nullish(),
  dueDate: z.string().nullish(),
  currency: z.string().trim().nullish(),
  exchangeRate: z.string().nullish(),
  reference: text(100),
  memo: text(1000),
  appliesToId: uuid.nullish(),
  idempotencyKey: z.string().min(1).max(200).nullish(),
  lines: z
    .array(
      z.object({
        itemCode: z.string().trim().min(1).nullish(),
        description: text(500),
        accountCode: z.string().trim().min(1).nullish(),
        quantity: z.string(),
        unitPrice: z.string().nullish(),
        taxCode: taxCodeRef.nullish(),
      }),
    )
    .min(1, 'a document needs at least one line')
    .max(MAX_LINES),
});
export type InvoiceDraftInput = z.input<typeof invoiceDraftInput>;

export const paymentDraftInput = z.object({
  partyId: uuid,
  documentDate: z.string(),
  postingDate: z.string().nullish(),
  currency: z.string().trim().nullish(),
  exchangeRate: z.string().nullish(),
  reference: text(100),
  memo: text(1000),
  bankAccountCode: z.string().trim().min(1).nullish(),
  amount: z.string(),
  bankFee: z.string().nullish(),
  idempotencyKey: z.string().min(1).max(200).nullish(),
  // Receipts and payments may leave the rest on account; a refund names the credits it pays back.
  allocations: z.array(z.object({ invoiceId: uuid, amount: z.string() })).max(MAX_LINES),
});
export type PaymentDraftInput = z.input<typeof paymentDraftInput>;

/**
 * The decimal members of every document request bound to an idempotency key — amounts, bank fees,
 * quantities, unit prices, exchange rates, at any depth (a payment's allocations, an invoice's
 * lines). A key is bound to their values, not their spelling: "5" and "5.00" are one request
 * (docs/architecture/documents.md, "Idempotency"). Held to the schema's Money and Decimal fields
 * of the documents' inputs by subgraphs/ledger/test/document-idempotency.test.ts.
 */
export const DOCUMENT_DECIMAL_FIELDS: ReadonlySet<string> = new Set([
  'amount',
  'bankFee',
  'exchangeRate',
  'quantity',
  'unitPrice',
]);

/**
 * What a document request's idempotency key is bound to: the operation, and the parsed input
 * without the key, its decimals canonical. Drafts, credit applications and write-offs all bind
 * their keys here.
 */
export function documentRequest(
  operation: 'document_draft' | 'credit_application' | 'bad_debt_write_off',
  payload: Record<string, unknown>,
): BoundRequest {
  return boundRequest(operation, payload, DOCUMENT_DECIMAL_FIELDS);
}

/**
 * What a draft's idempotency key is bound to: the kind and the parsed input (trimmed, defaults
 * applied), without the key itself. A retry of the first request gets the first draft even if it
 * was edited since; any other request under that key is refused.
 */
export function draftRequest(kind: DocumentKind, raw: InvoiceDraftInput | PaymentDraftInput): BoundRequest {
  const { idempotencyKey: _key, ...payload } = isInvoiceLike(kind)
    ? parseInput(invoiceDraftInput, raw)
    : parseInput(paymentDraftInput, raw);
  return documentRequest('document_draft', { kind, ...payload });
}

/** Apply a credit left on a party's account to one of its open invoices. */
export const applyCreditInput = z.object({
  creditId: uuid,
  invoiceId: uuid,
  amount: z.string(),
  date: z.string().nullish(),
  memo: text(1000),
  idempotencyKey: z.string().min(1).max(200).nullish(),
});
export type ApplyCreditInput = z.input<typeof applyCreditInput>;
