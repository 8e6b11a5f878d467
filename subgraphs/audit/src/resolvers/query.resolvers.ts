import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { entityHistory } from '../services/history.service.ts';
import { listAuditEvents } from '../services/list-audit-events.service.ts';
import { verifyAuditChain } from '../services/verify-audit-chain.service.ts';

export const Query: QueryResolvers = {
  auditEvents: async (_p, { filter, first, after }, ctx) =>
    listAuditEvents(await ctx.tenantDb(), { first, after, filter }),
  verifyAuditChain: async (_p, _a, ctx) => verifyAuditChain(await ctx.tenantDb()),
  history: async (_p, { entityType, entityId }, ctx) =>
    entityHistory(await ctx.tenantDb(), entityType, entityId),
};
