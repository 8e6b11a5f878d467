/**
 * The kinds of business document: the one list every layer derives from — the database enums
 * (`document_kind`, and `source_kind` through `SourceKinds`), the period rules, the documents
 * module's behaviour per kind (subgraphs/ledger/src/documents/kinds.ts), the exports, and the
 * API's `DocumentKind` and `SourceKind` enums (compared with it in test/schema/enum-values.test.ts).
 */
export const DOCUMENT_KINDS = [
  'SALES_INVOICE',
  'CREDIT_NOTE',
  'CUSTOMER_RECEIPT',
  'PURCHASE_INVOICE',
  'DEBIT_NOTE',
  'VENDOR_PAYMENT',
  'BAD_DEBT_WRITE_OFF',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Receipts and payments: they move money through a bank (with its fee) and settle invoices. */
export const SETTLING_KINDS = [
  'CUSTOMER_RECEIPT',
  'VENDOR_PAYMENT',
] as const satisfies readonly DocumentKind[];

export const isDocumentKind = (kind: string): kind is DocumentKind =>
  (DOCUMENT_KINDS as readonly string[]).includes(kind);

export const isSettlingKind = (kind: string): boolean => (SETTLING_KINDS as readonly string[]).includes(kind);
