import { can, canAny, Permissions as P, type RuleMap } from '@cifra/permissions';

const read = can(P.GL.Read);

/** Customers, vendors and items: anyone who reads the books reads them; changes need Manage. */
const partyRules = {
  Query: { parties: read, party: read, items: read, item: read, taxCodes: read },
  Mutation: {
    createParty: can(P.Party.Manage),
    updateParty: can(P.Party.Manage),
    deactivateParty: can(P.Party.Manage),
    createItem: can(P.Item.Manage),
    updateItem: can(P.Item.Manage),
    deactivateItem: can(P.Item.Manage),
  },
};

/**
 * Documents: each create, post and void mutation names the permission of its document family
 * (sales: Invoice.*, purchasing: PurchaseInvoice.*, settlement: Payment.*). The generic draft
 * operations admit any creator here; the service then checks the stored document's own family.
 */
const documentRules = {
  Query: { document: read, documents: read, numberingPrefixes: read, arAging: read, apAging: read },
  Mutation: {
    createSalesInvoice: can(P.Invoice.Create),
    createCreditNote: can(P.Invoice.Create),
    createPurchaseInvoice: can(P.PurchaseInvoice.Create),
    createDebitNote: can(P.PurchaseInvoice.Create),
    createCustomerReceipt: can(P.Payment.Create),
    createVendorPayment: can(P.Payment.Create),
    updateInvoiceDraft: canAny(P.Invoice.Create, P.PurchaseInvoice.Create),
    updatePaymentDraft: can(P.Payment.Create),
    discardDocumentDraft: canAny(P.Invoice.Create, P.PurchaseInvoice.Create, P.Payment.Create),
    approveSalesInvoice: can(P.Invoice.Approve),
    postPurchaseInvoice: can(P.PurchaseInvoice.Post),
    postPayment: can(P.Payment.Post),
    voidSalesInvoice: can(P.Invoice.Void),
    voidPurchaseInvoice: can(P.PurchaseInvoice.Void),
    voidPayment: can(P.Payment.Void),
    setNumberingPrefix: can(P.Numbering.Manage),
  },
};

/** Every field of this subgraph, mapped to the permission it needs (deny by default). */
export const rules: RuleMap = {
  Query: {
    accounts: read,
    journalEntry: read,
    journalEntries: read,
    trialBalance: read,
    generalLedger: read,
    incomeStatement: read,
    balanceSheet: read,
    unrealizedFxExposure: read,
    journalEntryDrafts: read,
    journalEntryDraft: read,
    ...partyRules.Query,
    ...documentRules.Query,
  },
  Mutation: {
    postJournalEntry: can(P.GL.Post),
    postJournalEntries: can(P.GL.Post),
    createJournalEntryDraft: can(P.GL.Draft),
    updateJournalEntryDraft: can(P.GL.Draft),
    discardJournalEntryDraft: can(P.GL.Draft),
    approveJournalEntry: can(P.GL.Approve),
    voidJournalEntry: can(P.GL.Void),
    exportLedger: can(P.GL.Export),
    ...partyRules.Mutation,
    ...documentRules.Mutation,
  },
  Account: read,
  JournalEntry: read,
  JournalLine: read,
  JournalEntryDraft: read,
  JournalDraftLine: read,
  JournalEntryVoid: read,
  JournalEntryConnection: read,
  JournalEntryEdge: read,
  TrialBalance: read,
  TrialBalanceRow: read,
  GeneralLedgerConnection: read,
  GeneralLedgerEdge: read,
  PageInfo: read,
  GeneralLedgerLine: read,
  StatementRow: read,
  StatementSection: read,
  IncomeStatement: read,
  BalanceSheet: read,
  LedgerExport: can(P.GL.Export),
  Party: read,
  PartyConnection: read,
  PartyEdge: read,
  ItemConnection: read,
  ItemEdge: read,
  Item: read,
  TaxCode: read,
  Document: read,
  DocumentConnection: read,
  DocumentEdge: read,
  DocumentLine: read,
  Allocation: read,
  DocumentVoid: read,
  NumberingPrefix: read,
  AgingReport: read,
  AgingRow: read,
  AgingBuckets: read,
  AgingInvoice: read,
  FxProvenance: read,
  FxRevaluation: read,
  FxRevaluationLine: read,
  RevaluationRate: read,
  RevaluedBalanceSheet: read,
  UnrealizedFxExposure: read,
  FxExposureItem: read,
  FxExposureCurrency: read,
  FxExposureAmounts: read,
};
