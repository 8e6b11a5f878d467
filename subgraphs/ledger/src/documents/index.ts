/**
 * Invoices, notes, receipts and payments as one feature: the kinds (`kinds.ts`, the one list of
 * what each kind is), the draft inputs, preparation (`prepare-invoice.ts`, `prepare-payment.ts`),
 * drafts, posting (`post.ts`: settlement, rate, GL lines, translation), voids and lists, and
 * `store.ts`, the only file of the feature that queries the database.
 */
export * from './apply-credit.ts';
export * from './drafts.ts';
export type { ApplyCreditInput, InvoiceDraftInput, PaymentDraftInput } from './inputs.ts';
export { type Family, KINDS } from './kinds.ts';
export * from './list.ts';
export * from './post.ts';
export { type DocumentKind, type DocumentLineRow, type DocumentRow, settledMinor } from './store.ts';
export * from './void.ts';
