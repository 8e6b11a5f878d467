import type { MutationResolvers } from '../__generated__/resolvers.ts';
import { caller } from '../caller.ts';
import { startBatchPeriodOperation } from '../services/batch-period-operation.service.ts';
import { refreshCloseBoardClient } from '../services/close-board.service.ts';

export const Mutation: MutationResolvers = {
  startBatchPeriodOperation: (_p, { input }, ctx) =>
    startBatchPeriodOperation({ control: ctx.control, queue: ctx.firmView.queue }, caller(ctx), input),
  refreshCloseBoardClient: (_p, { client, year, month }, ctx) =>
    refreshCloseBoardClient(ctx.firmView, { ...ctx.actor, ...caller(ctx) }, { slug: client, year, month }),
};
