import { parseId } from '@cifra/domain';
import type { MutationResolvers } from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';
import { exportDocumentsArchive, renderDocument } from './render-links.ts';

const callerOf = (ctx: Context) => {
  const integration = ctx.request.integration;
  return {
    ...ctx.actor,
    integration: integration && { clientId: integration.clientId, via: integration.via },
  };
};
const clientOf = (ctx: Context) => ctx.request.tenant as { id: string; slug: string };

export const renderMutations: Pick<MutationResolvers, 'renderDocument' | 'exportDocumentsArchive'> = {
  renderDocument: async (_p, { id }, ctx) =>
    renderDocument(await ctx.tenantDb(), ctx.deps.exportLinks, callerOf(ctx), clientOf(ctx), parseId(id)),
  exportDocumentsArchive: async (_p, args, ctx) =>
    exportDocumentsArchive(await ctx.tenantDb(), ctx.deps.exportLinks, callerOf(ctx), clientOf(ctx), args),
};
