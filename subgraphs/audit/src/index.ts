import { readFileSync } from 'node:fs';
import { DateTimeScalar, type SubgraphDefinition } from '@cifra/context';
import { parse } from 'graphql';
import type { Resolvers } from './__generated__/resolvers.ts';
import type { Context } from './context.ts';
import { Query } from './resolvers/query.resolvers.ts';
import { AuditEvent } from './resolvers/types.resolvers.ts';
import { rules } from './rules.ts';
import { JSONScalar } from './scalars.ts';

const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  Query,
  AuditEvent,
};

export const auditSubgraph: SubgraphDefinition<Context> = {
  name: 'audit',
  typeDefs: parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')),
  resolvers,
  rules,
  extendContext: (base) => base,
};
