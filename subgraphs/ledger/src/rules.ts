import { can, Permissions as P, type RuleMap } from '@cifra/permissions';
import { accountRules } from './accounts/rules.ts';
import { agingRules } from './aging/rules.ts';
import { bankRules } from './bank/rules.ts';
import { documentRules } from './documents/rules.ts';
import { legalRules } from './legal/rules.ts';
import { numberingRules } from './numbering/rules.ts';
import { openingRules } from './opening/rules.ts';
import { recurringRules } from './recurring/rules.ts';
import { renderRules } from './render/rules.ts';
import { statementRules } from './statements/rules.ts';
import { taxCodeRules } from './tax-codes/rules.ts';
import { taxReturnRules } from './tax-return/rules.ts';
import { writeOffRules } from './write-offs/rules.ts';

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
    accountsConnection: read,
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
    ...numberingRules.Query,
    ...agingRules.Query,
    ...openingRules.Query,
    ...statementRules.Query,
    ...taxReturnRules.Query,
    ...legalRules.Query,
    ...bankRules.Query,
    ...recurringRules.Query,
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
    ...accountRules.Mutation,
    ...legalRules.Mutation,
    ...renderRules.Mutation,
    ...statementRules.Mutation,
    ...taxCodeRules.Mutation,
    ...documentRules.Mutation,
    ...numberingRules.Mutation,
    ...openingRules.Mutation,
    ...bankRules.Mutation,
    ...recurringRules.Mutation,
    ...taxReturnRules.Mutation,
    ...writeOffRules.Mutation,
  },
  ...bankRules.types,
  ...recurringRules.types,
  Account: read,
  AccountConnection: read,
  AccountEdge: read,
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
  ...documentRules.types,
  ...numberingRules.types,
  ...agingRules.types,
  ...openingRules.types,
  ...taxReturnRules.types,
  ...legalRules.types,
  ...renderRules.types,
  ...statementRules.types,
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
