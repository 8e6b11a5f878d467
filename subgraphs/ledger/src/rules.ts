import { can, Permissions as P, type RuleMap } from '@cifra/permissions';

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

/** Every field of this subgraph, mapped to the permission it needs (deny by default). */
export const rules: RuleMap = {
  Query: {
    accounts: read,
    journalEntry: read,
    trialBalance: read,
    generalLedger: read,
    incomeStatement: read,
    balanceSheet: read,
    journalEntryDrafts: read,
    journalEntryDraft: read,
    ...partyRules.Query,
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
  },
  Account: read,
  JournalEntry: read,
  JournalLine: read,
  JournalEntryDraft: read,
  JournalDraftLine: read,
  JournalEntryVoid: read,
  TrialBalance: read,
  TrialBalanceRow: read,
  GeneralLedgerConnection: read,
  GeneralLedgerEdge: read,
  GeneralLedgerPageInfo: read,
  GeneralLedgerLine: read,
  StatementRow: read,
  StatementSection: read,
  IncomeStatement: read,
  BalanceSheet: read,
  LedgerExport: can(P.GL.Export),
  Party: read,
  Item: read,
  TaxCode: read,
};
