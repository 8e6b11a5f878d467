import { clientAccess, control, visibleClients } from '@cifra/db';
import { type ApiErrorCode, ERROR_CATALOGUE, ERROR_GROUPS } from '@cifra/domain';
import { Permissions as P, RoleClusters, roleWithin } from '@cifra/permissions';
import { eq } from 'drizzle-orm';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { pageClients } from '../services/clients-page.service.ts';
import { pageFirmMembers } from '../services/lists-page.service.ts';
import { mayDeactivate } from '../services/member-status.service.ts';
import { listFirmMembers } from '../services/members.service.ts';
import { firmSettingValues } from '../services/settings.service.ts';

export const Query: QueryResolvers = {
  errorCodes: () =>
    Object.entries(ERROR_CATALOGUE).map(([code, e]) => ({
      code: code as ApiErrorCode,
      group: e.group,
      errorGroup: ERROR_GROUPS[e.group].value,
      description: e.description,
    })),
  me: async (_p, _a, ctx) => {
    const { userId, email } = ctx.request;
    const managesPeople = ctx.request.firm.permissions.includes(P.Firm.ManageUsers);
    const [user] = await ctx.control.select().from(control.users).where(eq(control.users.id, userId));
    return {
      id: userId,
      email,
      displayName: user?.displayName ?? email,
      firmRole: ctx.request.firm.role,
      mayManagePeople: managesPeople,
      mayReadFirmAudit: ctx.request.firm.permissions.includes(P.Audit.ReadFirm),
      mayReadFirmDashboard: ctx.request.firm.permissions.includes(P.Firm.Dashboard),
      mayDeactivatePeople: managesPeople && mayDeactivate(ctx.request.firm.role),
      grantableRoles: managesPeople ? RoleClusters.filter((r) => roleWithin(r, ctx.request.firm.role)) : [],
      firm: ctx.request.firm.id,
    };
  },
  tenants: async (_p, _a, ctx) =>
    (await visibleClients(ctx.control, ctx.request)).map(({ tenant, role }) => ({ ...tenant, role })),
  tenantsConnection: (_p, args, ctx) => pageClients(ctx.control, ctx.request, args),
  firmMembers: (_p, _a, ctx) => listFirmMembers(ctx.control, ctx.request.firm.id),
  firmMembersConnection: (_p, args, ctx) => pageFirmMembers(ctx.control, ctx.request.firm.id, args),
  firmSettings: (_p, _a, ctx) => firmSettingValues(ctx.control, ctx.request.firm.id),
  tenant: async (_p, _a, ctx) => {
    const access = await clientAccess(ctx.control, ctx.request, { id: ctx.tenantId() });
    return access ? { ...access.tenant, role: access.role } : null;
  },
};
