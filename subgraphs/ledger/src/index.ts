import {
  DateScalar,
  DateTimeScalar,
  DecimalScalar,
  loadTypeDefs,
  MoneyScalar,
  type SubgraphDefinition,
} from '@cifra/context';
import type { Resolvers } from './__generated__/resolvers.ts';
import type { Context } from './context.ts';
import { enumValues } from './enum-values.ts';
import { createLoaders } from './loaders.ts';
import {
  AgingInvoice,
  AgingRow,
  Allocation,
  Document,
  DocumentLine,
  DocumentVoid,
  documentMutations,
  documentQueries,
  entryDocument,
  lineParty,
} from './resolvers/documents.resolvers.ts';
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

const resolvers: Resolvers = {
  AccountRole: enumValues.AccountRole,
  Money: MoneyScalar,
  Decimal: DecimalScalar,
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: { ...Query, ...journalQueries, ...partyQueries, ...documentQueries, ...revaluationQueries },
  Mutation: { ...Mutation, ...journalMutations, ...partyMutations, ...documentMutations },
  Document: { ...Document, ...documentFx },
  DocumentLine,
  Allocation: { ...Allocation, ...allocationFx },
  FxProvenance: FxProvenanceType,
  DocumentVoid,
  AgingRow,
  AgingInvoice,
  Party,
  Item,
  TaxCode,
  Account,
  JournalEntry: { ...JournalEntry, ...entryDocument },
  JournalLine: { ...JournalLine, ...lineParty, ...lineFx },
  GeneralLedgerLine,
  FxRevaluationLine,
  FxExposureItem,
  JournalEntryDraft,
  JournalDraftLine,
  JournalEntryVoid,
};

export const ledgerSubgraph: SubgraphDefinition<Context> = {
  name: 'ledger',
  typeDefs: loadTypeDefs(new URL('./', import.meta.url)),
  resolvers,
  rules,
  extendContext: (base) => ({ ...base, loaders: createLoaders(base) }),
};
