import {
  DateScalar,
  DateTimeScalar,
  DecimalScalar,
  loadTypeDefs,
  MoneyScalar,
  type SubgraphDefinition,
} from '@cifra/context';
import type { Resolvers } from './__generated__/resolvers.ts';
import { accountMutations } from './accounts/resolvers.ts';
import { AgingInvoice, AgingRow, agingQueries } from './aging/resolvers.ts';
import { bankResolvers } from './bank/bank.resolvers.ts';
import type { Context } from './context.ts';
import {
  Allocation,
  Document,
  DocumentLine,
  DocumentVoid,
  documentMutations,
  documentQueries,
  entryDocument,
  lineParty,
} from './documents/resolvers.ts';
import { enumValues } from './enum-values.ts';
import { legalMutations, legalQueries } from './legal/resolvers.ts';
import { createLoaders } from './loaders.ts';
import { numberingMutations, numberingQueries } from './numbering/resolvers.ts';
import {
  OpeningBalanceImport,
  openingDocumentFields,
  openingMutations,
  openingQueries,
} from './opening/resolvers.ts';
import {
  PendingReversal,
  RecurringEntryRun,
  RecurringEntryTemplate,
  RefusedReversal,
  recurringMutations,
  recurringQueries,
} from './recurring/resolvers.ts';
import { renderMutations } from './render/resolvers.ts';
import { allocationFx, documentFx, FxProvenanceType, lineFx } from './resolvers/fx.resolvers.ts';
import {
  JournalDraftLine,
  JournalEntryDraft,
  JournalEntryVoid,
  journalMutations,
  journalQueries,
} from './resolvers/journal.resolvers.ts';
import { Mutation } from './resolvers/mutation.resolvers.ts';
import { Item, Party, partyMutations, partyQueries, TaxCode } from './resolvers/parties.resolvers.ts';
import { Query } from './resolvers/query.resolvers.ts';
import { GeneralLedgerLine } from './resolvers/reports.resolvers.ts';
import { FxExposureItem, FxRevaluationLine, revaluationQueries } from './resolvers/revaluation.resolvers.ts';
import { Account, JournalEntry, JournalLine } from './resolvers/types.resolvers.ts';
import { rules } from './rules.ts';
import {
  PartyStatementLineType,
  PartyStatementType,
  RenderedPartyStatementType,
  statementMutations,
  statementQueries,
} from './statements/resolvers.ts';
import { taxCodeFields, taxCodeMutations } from './tax-codes/resolvers.ts';
import { taxReturnMutations, taxReturnQueries } from './tax-return/resolvers.ts';
import { allocationSmallDifference, writeOffMutations } from './write-offs/resolvers.ts';

const resolvers: Resolvers = {
  AccountRole: enumValues.AccountRole,
  Money: MoneyScalar,
  Decimal: DecimalScalar,
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: {
    ...Query,
    ...journalQueries,
    ...partyQueries,
    ...documentQueries,
    ...numberingQueries,
    ...agingQueries,
    ...openingQueries,
    ...statementQueries,
    ...taxReturnQueries,
    ...legalQueries,
    ...revaluationQueries,
    ...bankResolvers.Query,
    ...recurringQueries,
  },
  Mutation: {
    ...Mutation,
    ...journalMutations,
    ...partyMutations,
    ...documentMutations,
    ...numberingMutations,
    ...openingMutations,
    ...accountMutations,
    ...legalMutations,
    ...renderMutations,
    ...statementMutations,
    ...taxCodeMutations,
    ...bankResolvers.Mutation,
    ...recurringMutations,
    ...taxReturnMutations,
    ...writeOffMutations,
  },
  Document: { ...Document, ...documentFx, ...openingDocumentFields },
  OpeningBalanceImport,
  DocumentLine,
  Allocation: { ...Allocation, ...allocationFx, ...allocationSmallDifference },
  FxProvenance: FxProvenanceType,
  DocumentVoid,
  AgingRow,
  AgingInvoice,
  PartyStatement: PartyStatementType,
  PartyStatementLine: PartyStatementLineType,
  RenderedPartyStatement: RenderedPartyStatementType,
  Party,
  Item,
  TaxCode: { ...TaxCode, ...taxCodeFields },
  Account,
  JournalEntry: { ...JournalEntry, ...entryDocument },
  JournalLine: { ...JournalLine, ...lineParty, ...lineFx },
  GeneralLedgerLine,
  FxRevaluationLine,
  FxExposureItem,
  JournalEntryDraft,
  JournalDraftLine,
  JournalEntryVoid,
  BankAccount: bankResolvers.BankAccount,
  BankStatement: bankResolvers.BankStatement,
  BankStatementLine: bankResolvers.BankStatementLine,
  BankBookLine: bankResolvers.BankBookLine,
  BankMatch: bankResolvers.BankMatch,
  BankRule: bankResolvers.BankRule,
  BankReconciliation: bankResolvers.BankReconciliation,
  RecurringEntryTemplate,
  RecurringEntryRun,
  PendingReversal,
  RefusedReversal,
};

export const ledgerSubgraph: SubgraphDefinition<Context> = {
  name: 'ledger',
  typeDefs: loadTypeDefs(new URL('./', import.meta.url)),
  resolvers,
  rules,
  extendContext: (base) => ({ ...base, loaders: createLoaders(base) }),
};

export type { DocumentRow } from './documents/index.ts';
export { createDraft, postDocument } from './documents/index.ts';
export { type ClientRun, runForClient } from './recurring/index.ts';
// The services themselves, for callers outside a GraphQL request that must go through the same
// validation as the API (the demo firm's seed, ops/src/demo/).
export type { Books } from './services/books.ts';
export { createParty } from './services/parties.service.ts';
export { postJournalEntries } from './services/post-journal-entries.service.ts';
