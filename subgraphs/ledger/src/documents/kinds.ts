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
  },
  CUSTOMER_RECEIPT: {
    family: 'PAYMENT',
    partyKind: 'CUSTOMER',
    create: P.Payment.Create,
    post: P.Payment.Post,
    void: P.Payment.Void,
    settles: 'SALES_INVOICE',
  },
  VENDOR_PAYMENT: {
    family: 'PAYMENT',
    partyKind: 'VENDOR',
    create: P.Payment.Create,
    post: P.Payment.Post,
    void: P.Payment.Void,
    settles: 'PURCHASE_INVOICE',
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

/** Invoices and notes (lines, taxes); the others (receipts, payments, write-offs) have an amount and allocations. */
export const isInvoiceLike = (kind: DocumentKind) =>
  KINDS[kind].family === 'SALES' || KINDS[kind].family === 'PURCHASING';

/**
 * Settling documents translated at their own rate (receipts, payments, write-offs): what they clear
 * at the invoice's rate differs from their own translation by realized FX, per the variance mode.
 */
export const realizesFx = (kind: DocumentKind) =>
  KINDS[kind].family === 'PAYMENT' || KINDS[kind].family === 'WRITE_OFF';

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
