import type { MutationResolvers } from '../__generated__/resolvers.ts';
import { provisionTenant } from '../services/provision-tenant.service.ts';

export const Mutation: MutationResolvers = {
  provisionTenant: (_p, { input }, ctx) =>
    provisionTenant(ctx.provisioning, ctx.actor, ctx.request.firm.id, input),
};
