import { can, Permissions as P, type RuleMap } from '@cifra/permissions';

const read = can(P.GL.Read);

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
};
