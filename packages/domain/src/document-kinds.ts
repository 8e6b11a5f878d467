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
  'CUSTOMER_REFUND',
  'VENDOR_REFUND',
  'CUSTOMER_CREDIT_APPLICATION',
  'VENDOR_CREDIT_APPLICATION',
  'BAD_DEBT_WRITE_OFF',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Receipts, payments and refunds: they move money through a bank (with its fee). */
export const SETTLING_KINDS = [
  'CUSTOMER_RECEIPT',
  'VENDOR_PAYMENT',
  'CUSTOMER_REFUND',
  'VENDOR_REFUND',
] as const satisfies readonly DocumentKind[];

/** Money coming in (the bank is debited, its fee withheld); the other settling kinds pay out. */
export const MONEY_IN_KINDS = [
  'CUSTOMER_RECEIPT',
  'VENDOR_REFUND',
] as const satisfies readonly DocumentKind[];

export const isMoneyIn = (kind: string): boolean => (MONEY_IN_KINDS as readonly string[]).includes(kind);

export const isDocumentKind = (kind: string): kind is DocumentKind =>
  (DOCUMENT_KINDS as readonly string[]).includes(kind);

export const isSettlingKind = (kind: string): boolean => (SETTLING_KINDS as readonly string[]).includes(kind);
