import { loadTypeDefs, type SubgraphDefinition } from '@cifra/context';
import type { Resolvers } from './__generated__/resolvers.ts';
import type { Context } from './context.ts';
import { Query } from './resolvers/query.resolvers.ts';
import { Currency } from './resolvers/types.resolvers.ts';
import { rules } from './rules.ts';

const resolvers: Resolvers = {
  Query,
  Currency,
};

export const fxSubgraph: SubgraphDefinition<Context> = {
  name: 'fx',
  typeDefs: loadTypeDefs(new URL('./schema/', import.meta.url)),
  resolvers,
  rules,
  extendContext: (base) => base,
};
