import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { firmEntityHistory, firmReaderOf, listFirmAuditEvents } from '../services/firm-audit.service.ts';
import { entityHistory, pageVersions } from '../services/history.service.ts';
import { listAuditEvents } from '../services/list-audit-events.service.ts';
import { verifyAuditChain } from '../services/verify-audit-chain.service.ts';
import { verifyBooks } from '../services/verify-books.service.ts';

export const Query: QueryResolvers = {
  auditEvents: async (_p, { filter, first, after }, ctx) =>
    listAuditEvents(await ctx.tenantDb(), { first, after, filter }),
  verifyAuditChain: async (_p, _a, ctx) => verifyAuditChain(await ctx.tenantDb()),
  verifyBooks: async (_p, _a, ctx) =>
    verifyBooks(await ctx.tenantDb(), {
      control: ctx.control,
      registry: ctx.deps.registry,
      tenantId: ctx.tenantId(),
    }),
  history: async (_p, { entityType, entityId }, ctx) =>
    entityHistory(await ctx.tenantDb(), entityType, entityId),
  // The firm's own trail: the control plane, scoped to the caller's firm from the signed context
  // and kept behind the caller's walls.
  firmAuditEvents: (_p, { filter, first, after }, ctx) =>
    listFirmAuditEvents(ctx.control, firmReaderOf(ctx.request), { filter, first, after }),
  verifyFirmAuditChain: (_p, _a, ctx) => verifyAuditChain(ctx.control),
  firmHistory: (_p, { entityType, entityId }, ctx) =>
    firmEntityHistory(ctx.control, firmReaderOf(ctx.request), entityType, entityId),
  historyConnection: async (_p, { entityType, entityId, ...page }, ctx) =>
    pageVersions(
      await entityHistory(await ctx.tenantDb(), entityType, entityId),
      `${entityType}:${entityId}`,
      page,
    ),
  firmHistoryConnection: async (_p, { entityType, entityId, ...page }, ctx) =>
    pageVersions(
      await firmEntityHistory(ctx.control, firmReaderOf(ctx.request), entityType, entityId),
      `firm:${entityType}:${entityId}`,
      page,
    ),
};
