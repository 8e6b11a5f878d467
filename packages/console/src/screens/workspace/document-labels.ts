import type { DocumentKind, DocumentStatus, SettlementStatus } from '../../__generated__/graphql.ts';

/** Documents a page of the list shows. */
export const DOCUMENTS_PAGE = 25;

/** The API's document kinds in words (the one list: packages/domain's DOCUMENT_KINDS). */
export const KIND_LABELS: Record<DocumentKind, string> = {
  SALES_INVOICE: 'Sales invoice',
  CREDIT_NOTE: 'Credit note',
  CUSTOMER_RECEIPT: 'Customer receipt',
  PURCHASE_INVOICE: 'Purchase invoice (bill)',
  DEBIT_NOTE: 'Debit note',
  VENDOR_PAYMENT: 'Vendor payment',
  CUSTOMER_REFUND: 'Customer refund',
  VENDOR_REFUND: 'Vendor refund',
  CUSTOMER_CREDIT_APPLICATION: 'Customer credit applied',
  VENDOR_CREDIT_APPLICATION: 'Vendor credit applied',
  BAD_DEBT_WRITE_OFF: 'Bad-debt write-off',
};

export const STATUS_LABELS: Record<DocumentStatus, string> = {
  DRAFT: 'Draft',
  POSTED: 'Posted',
  DISCARDED: 'Discarded',
};

export const SETTLEMENT_LABELS: Record<SettlementStatus, string> = {
  OPEN: 'Open',
  PARTIALLY_PAID: 'Partly paid',
  PAID: 'Paid',
  VOIDED: 'Voided',
};

/** A value of the page's address read as one of an enum's values, or nothing. */
export function oneOf<T extends string>(labels: Record<T, string>, value: string | null): T | null {
  return value !== null && Object.hasOwn(labels, value) ? (value as T) : null;
}

/** A document as a person names it: its number, or its kind and "draft" before it has one. */
export const documentName = (d: { kind: DocumentKind; number?: string | null; status?: DocumentStatus }) =>
  d.number ?? `${KIND_LABELS[d.kind]} (${d.status === 'DISCARDED' ? 'discarded' : 'draft'})`;
