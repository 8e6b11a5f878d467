import { DateScalar, loadTypeDefs, type SubgraphDefinition } from '@cifra/context';
import type { Resolvers } from './__generated__/resolvers.ts';
import type { Context } from './context.ts';
import { Query } from './resolvers/query.resolvers.ts';
import { PostingPeriod } from './resolvers/types.resolvers.ts';
import { rules } from './rules.ts';

const resolvers: Resolvers = {
  Date: DateScalar,
  Query,
  PostingPeriod,
};

export const periodSubgraph: SubgraphDefinition<Context> = {
  name: 'period',
  typeDefs: loadTypeDefs(new URL('./schema/', import.meta.url)),
  resolvers,
  rules,
  extendContext: (base) => base,
};
