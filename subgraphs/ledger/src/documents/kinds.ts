import { badInput, DomainError } from '@cifra/domain';
import { Permissions as P, type Permission } from '@cifra/permissions';
import type { Books } from '../services/books.ts';
import type { DocumentKind, DocumentRow, PartyRow } from './store.ts';

/** Every document kind: its family, party, permissions and the kind of invoice it settles. */

/**
 * The posting family a mutation handles: each has its own permissions and its own period side.
 * WRITE_OFF: bad-debt write-offs (`writeoffs/`), settling documents without money or lines.
 */
export type Family = 'SALES' | 'PURCHASING' | 'PAYMENT' | 'WRITE_OFF';

export interface KindSpec {
  family: Family;
  partyKind: PartyRow['kind'];
  create: Permission;
  post: Permission;
  void: Permission;
  /** Notes and payments: the kind of invoice they settle. */
  settles?: DocumentKind;
  /**
   * Credits (see docs/architecture/documents.md): a receipt, payment or note LEAVES on the party's
   * account what it does not allocate to invoices; a refund or credit application USES such credits.
   */
  credit?: 'LEAVES' | 'USES';
}

export const KINDS: Record<DocumentKind, KindSpec> = {
  SALES_INVOICE: {
    family: 'SALES',
    partyKind: 'CUSTOMER',
    create: P.Invoice.Create,
    post: P.Invoice.Approve,
    void: P.Invoice.Void,
  },
  CREDIT_NOTE: {
    family: 'SALES',
    partyKind: 'CUSTOMER',
    create: P.Invoice.Create,
    post: P.Invoice.Approve,
    void: P.Invoice.Void,
    settles: 'SALES_INVOICE',
    credit: 'LEAVES',
  },
  PURCHASE_INVOICE: {
    family: 'PURCHASING',
    partyKind: 'VENDOR',
    create: P.PurchaseInvoice.Create,
    post: P.PurchaseInvoice.Post,
    void: P.PurchaseInvoice.Void,
  },
  DEBIT_NOTE: {
    family: 'PURCHASING',
    partyKind: 'VENDOR',
    create: P.PurchaseInvoice.Create,
    post: P.PurchaseInvoice.Post,
    void: P.PurchaseInvoice.Void,
    settles: 'PURCHASE_INVOICE',
    credit: 'LEAVES',
  },
  CUSTOMER_RECEIPT: {
    family: 'PAYMENT',
    partyKind: 'CUSTOMER',
    create: P.Payment.Create,
    post: P.Payment.Post,
    void: P.Payment.Void,
    settles: 'SALES_INVOICE',
    credit: 'LEAVES',
  },
  VENDOR_PAYMENT: {
    family: 'PAYMENT',
    partyKind: 'VENDOR',
    create: P.Payment.Create,
    post: P.Payment.Post,
    void: P.Payment.Void,
    settles: 'PURCHASE_INVOICE',
    credit: 'LEAVES',
  },
  CUSTOMER_REFUND: {
    family: 'PAYMENT',
    partyKind: 'CUSTOMER',
    create: P.Payment.Create,
    post: P.Payment.Post,
    void: P.Payment.Void,
    credit: 'USES',
  },
  VENDOR_REFUND: {
    family: 'PAYMENT',
    partyKind: 'VENDOR',
    create: P.Payment.Create,
    post: P.Payment.Post,
    void: P.Payment.Void,
    credit: 'USES',
  },
  CUSTOMER_CREDIT_APPLICATION: {
    family: 'PAYMENT',
    partyKind: 'CUSTOMER',
    create: P.Payment.Post,
    post: P.Payment.Post,
    void: P.Payment.Void,
    settles: 'SALES_INVOICE',
    credit: 'USES',
  },
  VENDOR_CREDIT_APPLICATION: {
    family: 'PAYMENT',
    partyKind: 'VENDOR',
    create: P.Payment.Post,
    post: P.Payment.Post,
    void: P.Payment.Void,
    settles: 'PURCHASE_INVOICE',
    credit: 'USES',
  },
  // Written off and voided by people who approve and void sales invoices (issue 18 §2).
  BAD_DEBT_WRITE_OFF: {
    family: 'WRITE_OFF',
    partyKind: 'CUSTOMER',
    create: P.Invoice.Approve,
    post: P.Invoice.Approve,
    void: P.Invoice.Void,
    settles: 'SALES_INVOICE',
  },
};

/** The kinds whose unallocated part stays on a party's account as a credit. */
export const creditKindsOf = (partyKind: PartyRow['kind']): DocumentKind[] =>
  (Object.keys(KINDS) as DocumentKind[]).filter(
    (k) => KINDS[k].credit === 'LEAVES' && KINDS[k].partyKind === partyKind,
  );

/** The control account of a party's kind: customers on the receivable, vendors on the payable. */
export const controlRoleOf = (partyKind: PartyRow['kind']) =>
  partyKind === 'CUSTOMER' ? ('DefaultAR' as const) : ('DefaultAP' as const);

/** Invoices and notes (lines, taxes); the others (receipts, payments, write-offs) have an amount and allocations. */
export const isInvoiceLike = (kind: DocumentKind) =>
  KINDS[kind].family === 'SALES' || KINDS[kind].family === 'PURCHASING';

/** A credit or debit note correcting an invoice (`appliesToId`): it keeps that invoice's rate. */
export const isCorrection = (doc: Pick<DocumentRow, 'kind' | 'appliesToId'>) =>
  isInvoiceLike(doc.kind) && !!doc.appliesToId;

/**
 * Settling documents translated at their own rate (receipts, payments, write-offs): what they clear
 * at the invoice's rate differs from their own translation by realized FX, per the variance mode.
 */
export const realizesFx = (kind: DocumentKind) =>
  KINDS[kind].family === 'PAYMENT' || KINDS[kind].family === 'WRITE_OFF';

/** Refunds: an amount paid back against credits (their allocations name the credit documents). */
export const isRefund = (kind: DocumentKind) => kind === 'CUSTOMER_REFUND' || kind === 'VENDOR_REFUND';

export function requirePermission(books: Books, permission: Permission) {
  if (!books.permissions.has(permission)) {
    throw new DomainError('FORBIDDEN', `Missing permission ${permission}`, { permission });
  }
}

export function requireDraft(doc: DocumentRow, action: string) {
  if (doc.status !== 'DRAFT') {
    throw new DomainError(
      'NOT_EDITABLE',
      `${doc.number ?? doc.id} is ${doc.status}: only drafts can be ${action}${doc.status === 'POSTED' ? '; void it or issue a credit or debit note' : ''}`,
      { id: doc.id, number: doc.number, status: doc.status },
    );
  }
}

export function requireFamily(doc: DocumentRow, family: Family, operation: string) {
  if (KINDS[doc.kind].family !== family) {
    throw badInput(`${operation} does not handle a ${doc.kind}`, { id: doc.id, kind: doc.kind });
  }
}
