import { DateTimeScalar, loadTypeDefs, type SubgraphDefinition } from '@cifra/context';
import type { Resolvers } from './__generated__/resolvers.ts';
import type { Context } from './context.ts';
import { Mutation } from './resolvers/mutation.resolvers.ts';
import { Query } from './resolvers/query.resolvers.ts';
import {
  Account,
  AuditChainBreak,
  AuditEvent,
  FirmAuditChainBreak,
  FirmAuditEvent,
  InvestigationResult,
  JournalEntry,
  PostingPeriod,
  Tenant,
} from './resolvers/types.resolvers.ts';
import { rules } from './rules.ts';
import { JSONScalar } from './scalars.ts';

const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  Query,
  Mutation,
  AuditEvent,
  AuditChainBreak,
  InvestigationResult,
  JournalEntry,
  Account,
  PostingPeriod,
  FirmAuditEvent,
  FirmAuditChainBreak,
  Tenant,
};

export const auditSubgraph: SubgraphDefinition<Context> = {
  name: 'audit',
  typeDefs: loadTypeDefs(new URL('./', import.meta.url)),
  resolvers,
  rules,
  extendContext: (base) => base,
};
