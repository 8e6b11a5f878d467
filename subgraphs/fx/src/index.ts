import { DateScalar, DateTimeScalar, loadTypeDefs, type SubgraphDefinition } from '@cifra/context';
import type { Resolvers } from './__generated__/resolvers.ts';
import type { Context } from './context.ts';
import { Mutation } from './resolvers/mutation.resolvers.ts';
import { Query } from './resolvers/query.resolvers.ts';
import { Currency, ExchangeRate, ExchangeRateRecord } from './resolvers/types.resolvers.ts';
import { rules } from './rules.ts';

export { clientFx, clientSettings, lookupRate, type RateAnswer } from '@cifra/fx';
export * from './providers/index.ts';
export { type DispatchResult, dispatchDueRefreshes } from './services/dispatch-refresh.service.ts';
export {
  FX_MAX_RETRIES,
  fxRetryDelayMs,
  type RefreshDeps,
  type RefreshResult,
  refreshClient,
  SnapshotCache,
} from './services/refresh-rates.service.ts';

const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Currency,
  ExchangeRate,
  ExchangeRateRecord,
};

export const fxSubgraph: SubgraphDefinition<Context> = {
  name: 'fx',
  typeDefs: loadTypeDefs(new URL('./schema/', import.meta.url)),
  resolvers,
  rules,
  extendContext: (base) => base,
};
