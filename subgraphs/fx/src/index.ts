import {
  DateScalar,
  DateTimeScalar,
  DecimalScalar,
  loadTypeDefs,
  type SubgraphDefinition,
} from '@cifra/context';
import { DEFAULT_FAN_OUT, type FanOutOptions } from '@cifra/db';
import type { Resolvers } from './__generated__/resolvers.ts';
import type { Context } from './context.ts';
import { firmFxQueries, StaleRateUsage } from './resolvers/firm-fx.resolvers.ts';
import { Mutation } from './resolvers/mutation.resolvers.ts';
import { Query } from './resolvers/query.resolvers.ts';
import { Currency, ExchangeRate, ExchangeRateRecord } from './resolvers/types.resolvers.ts';
import { rules } from './rules.ts';

export { clientFx, clientSettings, lookupRate, type RateAnswer } from '@cifra/fx';
export * from './providers/index.ts';
export { type BackfillResult, backfillRates } from './services/backfill-rates.service.ts';
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
  Decimal: DecimalScalar,
  Query: { ...Query, ...firmFxQueries },
  Mutation,
  Currency,
  ExchangeRate,
  ExchangeRateRecord,
  StaleRateUsage,
};

export interface FxSubgraphOptions {
  /** staleRateUsage's fan-out: clients read at once and the per-client timeout. */
  fanOut?: Partial<FanOutOptions>;
}

export function createFxSubgraph(options: FxSubgraphOptions = {}): SubgraphDefinition<Context> {
  const fanOut = { ...DEFAULT_FAN_OUT, ...options.fanOut };
  return {
    name: 'fx',
    typeDefs: loadTypeDefs(new URL('./', import.meta.url)),
    resolvers,
    rules,
    extendContext: (base) => ({
      ...base,
      firmFx: { control: base.control, registry: base.deps.registry, fanOut },
    }),
  };
}

export const fxSubgraph: SubgraphDefinition<Context> = createFxSubgraph();
