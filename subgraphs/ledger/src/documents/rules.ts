import { can, canAny, Permissions as P } from '@cifra/permissions';

const read = can(P.GL.Read);

/**
 * Documents: each create, post and void mutation names the permission of its document family
 * (sales: Invoice.*, purchasing: PurchaseInvoice.*, settlement: Payment.*). The generic draft
 * operations admit any creator here; the service then checks the stored document's own family.
 */
export const documentRules = {
  Query: { document: read, documents: read },
  Mutation: {
    createSalesInvoice: can(P.Invoice.Create),
    createCreditNote: can(P.Invoice.Create),
    createPurchaseInvoice: can(P.PurchaseInvoice.Create),
    createDebitNote: can(P.PurchaseInvoice.Create),
    createCustomerReceipt: can(P.Payment.Create),
    createVendorPayment: can(P.Payment.Create),
    createCustomerRefund: can(P.Payment.Create),
    createVendorRefund: can(P.Payment.Create),
    applyCustomerCredit: can(P.Payment.Post),
    applyVendorCredit: can(P.Payment.Post),
    updateInvoiceDraft: canAny(P.Invoice.Create, P.PurchaseInvoice.Create),
    updatePaymentDraft: can(P.Payment.Create),
    discardDocumentDraft: canAny(P.Invoice.Create, P.PurchaseInvoice.Create, P.Payment.Create),
    approveSalesInvoice: can(P.Invoice.Approve),
    postPurchaseInvoice: can(P.PurchaseInvoice.Post),
    postPayment: can(P.Payment.Post),
    voidSalesInvoice: can(P.Invoice.Void),
    voidPurchaseInvoice: can(P.PurchaseInvoice.Void),
    voidPayment: can(P.Payment.Void),
  },
  types: {
    Document: read,
    DocumentConnection: read,
    DocumentEdge: read,
    DocumentLine: read,
    Allocation: read,
    DocumentVoid: read,
  },
};
