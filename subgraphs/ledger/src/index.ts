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
import { createLoaders } from './loaders.ts';
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
import { Account, JournalEntry, JournalLine } from './resolvers/types.resolvers.ts';
import { rules } from './rules.ts';

const resolvers: Resolvers = {
  Money: MoneyScalar,
  Decimal: DecimalScalar,
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: { ...Query, ...journalQueries, ...partyQueries },
  Mutation: { ...Mutation, ...journalMutations, ...partyMutations },
  Party,
  Item,
  TaxCode,
  Account,
  JournalEntry,
  JournalLine,
  GeneralLedgerLine,
  JournalEntryDraft,
  JournalDraftLine,
  JournalEntryVoid,
};

export const ledgerSubgraph: SubgraphDefinition<Context> = {
  name: 'ledger',
  typeDefs: loadTypeDefs(new URL('./schema/', import.meta.url)),
  resolvers,
  rules,
  extendContext: (base) => ({ ...base, loaders: createLoaders(base) }),
};
