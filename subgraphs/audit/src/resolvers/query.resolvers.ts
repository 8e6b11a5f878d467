import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { listAuditEvents } from '../services/list-audit-events.service.ts';

export const Query: QueryResolvers = {
  auditEvents: async (_p, { first, after }, ctx) => listAuditEvents(await ctx.tenantDb(), { first, after }),
};
