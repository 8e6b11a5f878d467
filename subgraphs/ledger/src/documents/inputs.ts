import { payloadHash } from '@cifra/domain';
import { z } from 'zod';
import { parseInput } from '../services/parties.service.ts';
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
 * What a draft's idempotency key is bound to: the kind and the parsed input (trimmed, defaults
 * applied), without the key itself. A retry of the first request gets the first draft even if it
 * was edited since; any other request under that key is refused.
 */
export function draftHash(kind: DocumentKind, raw: InvoiceDraftInput | PaymentDraftInput): string {
  const parsed = parseInput(isInvoiceLike(kind) ? invoiceDraftInput : paymentDraftInput, raw);
  const { idempotencyKey: _key, ...payload } = parsed;
  return payloadHash('document_draft', { kind, ...payload });
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
