import { parseId } from '@cifra/domain';
import type { MutationResolvers } from '../__generated__/resolvers.ts';
import { clientManagerOf, lifecycleOf, managerOf as manager } from '../context.ts';
import { assignClientRole, revokeClientRole } from '../services/client-roles.service.ts';
import { updateFirmLocale } from '../services/firm-locale.service.ts';
import { deactivateFirmMember, reactivateFirmMember } from '../services/member-status.service.ts';
import { addFirmMember, changeFirmRole, removeFirmMember } from '../services/members.service.ts';
import { provisionTenant } from '../services/provision-tenant.service.ts';
import { archiveClient, deleteSandboxClient, unarchiveClient } from '../services/sandbox-clients.service.ts';
import { updateClientSettings, updateFirmSettings } from '../services/settings.service.ts';

export const Mutation: MutationResolvers = {
  provisionTenant: (_p, { input }, ctx) =>
    provisionTenant(ctx.provisioning, ctx.actor, ctx.request.firm.id, input),
  deleteSandboxClient: (_p, { tenant, reason }, ctx) =>
    deleteSandboxClient(lifecycleOf(ctx), clientManagerOf(ctx), tenant, reason),
  archiveClient: (_p, { tenant, reason }, ctx) =>
    archiveClient(lifecycleOf(ctx), clientManagerOf(ctx), tenant, reason),
  unarchiveClient: (_p, { tenant, reason }, ctx) =>
    unarchiveClient(lifecycleOf(ctx), clientManagerOf(ctx), tenant, reason),
  addFirmMember: (_p, { input }, ctx) => addFirmMember(ctx.control, manager(ctx), input),
  changeFirmRole: (_p, { userId, role, reason }, ctx) =>
    changeFirmRole(ctx.control, manager(ctx), {
      userId: parseId(userId, 'userId'),
      role: role ?? null,
      reason,
    }),
  removeFirmMember: (_p, { userId, reason }, ctx) =>
    removeFirmMember(ctx.control, manager(ctx), { userId: parseId(userId, 'userId'), reason }),
  deactivateFirmMember: (_p, { userId, reason }, ctx) =>
    deactivateFirmMember(ctx.control, manager(ctx), { userId: parseId(userId, 'userId'), reason }),
  reactivateFirmMember: (_p, { userId, reason }, ctx) =>
    reactivateFirmMember(ctx.control, manager(ctx), { userId: parseId(userId, 'userId'), reason }),
  assignClientRole: (_p, { userId, tenant, role, reason }, ctx) =>
    assignClientRole(ctx.control, manager(ctx), { userId: parseId(userId, 'userId'), tenant, role, reason }),
  revokeClientRole: (_p, { userId, tenant, reason }, ctx) =>
    revokeClientRole(ctx.control, manager(ctx), { userId: parseId(userId, 'userId'), tenant, reason }),
  updateFirmSettings: (_p, { set, clear, reason }, ctx) =>
    updateFirmSettings(ctx.control, ctx.actor, ctx.request.firm.id, { set, clear, reason }),
  updateClientSettings: (_p, { tenant, set, clear, reason }, ctx) =>
    updateClientSettings(ctx.control, clientManagerOf(ctx), tenant, { set, clear, reason }),
  updateFirmLocale: (_p, { locale, reason }, ctx) =>
    updateFirmLocale(ctx.control, ctx.actor, ctx.request.firm.id, { locale, reason }),
};
