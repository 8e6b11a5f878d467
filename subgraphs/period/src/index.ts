import {
  DateScalar,
  DateTimeScalar,
  loadTypeDefs,
  MoneyScalar,
  type SubgraphDefinition,
} from '@cifra/context';
import type { pg } from '@cifra/db';
import type { Resolvers } from './__generated__/resolvers.ts';
import type { Context } from './context.ts';
import { closeMutations, closeQueries, closeTypes } from './resolvers/close.resolvers.ts';
import { firmViewTypes } from './resolvers/firm-view.resolvers.ts';
import { Mutation } from './resolvers/mutation.resolvers.ts';
import { Query } from './resolvers/query.resolvers.ts';
import { PostingPeriod } from './resolvers/types.resolvers.ts';
import { rules } from './rules.ts';
import { agendaBatchQueue } from './services/batch-queue.ts';
import { type ClientPeriodPort, clientPeriodPort } from './services/client-period.ts';
import { DEFAULT_FAN_OUT, type FanOutOptions } from './services/fan-out.ts';
import { yearEndMutations, yearEndQueries, yearEndTypes } from './year-end/resolvers.ts';

export * from './services/batch-queue.ts';
export * from './services/client-period.ts';
export * from './services/close-board-projection.service.ts';
export { behindCount, type ClaimFrom } from './services/close-board-store.ts';
export * from './services/close-board-sweep.service.ts';
export * from './services/fan-out.ts';
export * from './services/run-batch-item.service.ts';
export * from './services/sweep-batches.service.ts';

const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Money: MoneyScalar,
  Query: { ...Query, ...closeQueries, ...yearEndQueries },
  Mutation: { ...Mutation, ...closeMutations, ...yearEndMutations },
  PostingPeriod,
  ...firmViewTypes,
  ...closeTypes,
  ...yearEndTypes,
};

export interface PeriodSubgraphOptions {
  /** Close board and exceptions fan-out: clients read at once and the per-client timeout. */
  fanOut?: Partial<FanOutOptions>;
  /** The per-client period machine the firm's view drives (tests substitute one). */
  port?: ClientPeriodPort;
}

export function createPeriodSubgraph(options: PeriodSubgraphOptions = {}): SubgraphDefinition<Context> {
  const fanOut = { ...DEFAULT_FAN_OUT, ...options.fanOut };
  const port = options.port ?? clientPeriodPort;
  return {
    name: 'period',
    typeDefs: loadTypeDefs(new URL('./', import.meta.url)),
    resolvers,
    rules,
    extendContext: (base) => ({
      ...base,
      firmView: {
        control: base.control,
        registry: base.deps.registry,
        port,
        fanOut,
        queue: agendaBatchQueue(base.control.$client as pg.Pool),
      },
    }),
  };
}

export const periodSubgraph: SubgraphDefinition<Context> = createPeriodSubgraph();

export * from './services/index.ts';
