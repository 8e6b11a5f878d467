import type { tenant } from '@cifra/db';

/** The models behind the GraphQL types: rows as the database holds them. */
export type Account = typeof tenant.accounts.$inferSelect;
export type JournalEntry = typeof tenant.journalEntries.$inferSelect;
export type JournalLine = typeof tenant.glLines.$inferSelect;
/** A general-ledger line, formatted, with the id of its entry for the `entry` field. */
export type GeneralLedgerLine = {
  postingDate: string;
  entryId: string;
  entryNumber: string;
  memo: string;
  lineNumber: number;
  lineMemo: string;
  partyId: string | null;
  partyCode: string | null;
  partyName: string | null;
  debit: string;
  credit: string;
  originalCurrency: string;
  originalAmount: string;
  runningBalance: string;
};
export type JournalEntryDraft = typeof tenant.journalDrafts.$inferSelect;
export type JournalDraftLine = typeof tenant.journalDraftLines.$inferSelect;
export type JournalEntryVoid = typeof tenant.voids.$inferSelect;
export type Party = typeof tenant.parties.$inferSelect;
export type Item = typeof tenant.items.$inferSelect;
export type TaxCode = typeof tenant.taxCodes.$inferSelect;
export type Document = typeof tenant.documents.$inferSelect;
export type DocumentLine = typeof tenant.documentLines.$inferSelect;
/** A posted allocation, or a draft receipt's proposed one: amounts in the invoice's currency. */
export type Allocation = {
  sourceDocumentId: string;
  invoiceId: string;
  amountMinor: bigint;
  /** Posted allocations only. */
  baseAmountMinor?: bigint | null;
  realizedFxMinor?: bigint | null;
  /** Posted receipts only: of amountMinor, what the receipt tolerance closed (SmallDifferences). */
  smallDifferenceMinor?: bigint | null;
};
/** A GL line's or document's FX provenance: the rate row it cites and whether it stood in as a fallback. */
export type FxProvenance = { row: typeof tenant.exchangeRates.$inferSelect; isFallback: boolean };
export type DocumentVoid = typeof tenant.voids.$inferSelect;
/** An opening balance import as stored (opening/). */
export type OpeningBalanceImport = typeof tenant.openingImports.$inferSelect;
type Buckets = {
  current: string;
  days1To30: string;
  days31To60: string;
  days61To90: string;
  over90: string;
  total: string;
};
export type AgingRow = {
  partyId: string;
  currency: string;
  amounts: Buckets;
  base: Buckets;
  revaluedBase?: Buckets | null;
  invoices: AgingInvoice[];
};
export type AgingInvoice = {
  documentId: string | null;
  /** A manual entry's line on the control account, naming the party (no document). */
  entryId: string | null;
  dueDate: string;
  daysPastDue: number;
  openBalance: string;
  baseOpenBalance: string;
  revaluedBaseOpenBalance?: string | null;
};
/** A line of an unposted FX revaluation, formatted; ids for the account, document and party fields. */
export type FxRevaluationLine = {
  accountId: string | null;
  accountCode: string | null;
  documentId: string | null;
  partyId: string | null;
  currency: string;
  originalAmount: string;
  bookedBase: string;
  revaluedBase: string;
  difference: string;
};
export type FxExposureItem = {
  side: 'RECEIVABLE' | 'PAYABLE';
  documentId: string;
  partyId: string;
  currency: string;
  dueDate: string;
  daysPastDue: number;
  openAmount: string;
  bookedBase: string;
  revaluedBase: string;
  unrealized: string;
};
/** The bank feature's models (bank/models.ts). */
export type BankAccount = import('./bank/models.ts').BankAccountModel;
export type BankBookLine = import('./bank/models.ts').BankBookLineModel;
export type BankMatch = import('./bank/models.ts').BankMatchModel;
export type BankMatchSuggestion = import('./bank/models.ts').BankMatchSuggestionModel;
export type BankReconciliation = import('./bank/models.ts').BankReconciliationModel;
export type BankRule = import('./bank/models.ts').BankRuleModel;
export type BankStatementLine = import('./bank/models.ts').BankStatementLineModel;
export type BankStatement = import('./bank/models.ts').BankStatementModel;
/** Recurring entries (recurring/): rows as stored, runs as the use cases return them. */
export type RecurringEntryTemplate = typeof tenant.recurringTemplates.$inferSelect;
export type RecurringEntryRun = typeof tenant.recurringRuns.$inferSelect;
export type RecurringEntriesRun = { asOf: string; made: RecurringEntryRun[]; refused: RecurringEntryRun[] };
export type PendingReversal = { entryId: string; number: string; postingDate: string; reverseOn: string };
export type RefusedReversal = PendingReversal & { code: string; message: string };
export type ReversalsRun = { asOf: string; posted: JournalEntry[]; refused: RefusedReversal[] };
/** A party statement, formatted, with its party's id for `party`. */
export type PartyStatement = {
  partyId: string;
  from: string;
  to: string;
  baseCurrency: string;
  currencies: {
    currency: string;
    openingBalance: string;
    lines: PartyStatementLine[];
    totalDebit: string;
    totalCredit: string;
    closingBalance: string;
    baseOpeningBalance: string;
    baseClosingBalance: string;
    aging: Buckets;
    baseAging: Buckets;
  }[];
  baseAging: Buckets;
  baseClosingBalance: string;
};
/** A statement line, formatted, with the ids behind `document` and `entry`. */
export type PartyStatementLine = {
  date: string;
  number: string;
  kind: string | null;
  isVoid: boolean;
  documentId: string | null;
  entryId: string;
  documentDate: string | null;
  dueDate: string | null;
  debit: string;
  credit: string;
  balance: string;
  baseAmount: string;
  baseBalance: string;
};
/** A rendered statement's link, with its party's id for `party`. */
export type RenderedPartyStatement = { url: string; expiresAt: Date; fileName: string; partyId: string };
