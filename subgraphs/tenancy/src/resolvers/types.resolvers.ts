import { clientAccess, control, visibleClients } from '@cifra/db';
import { eq } from 'drizzle-orm';
import type {
  ClientRoleResolvers,
  ClientSettingsResolvers,
  FirmResolvers,
  MeResolvers,
  TenantResolvers,
} from '../__generated__/resolvers.ts';
import { clientRef } from '../client-refs.ts';
import { tenantById } from '../context.ts';
import { ownAssignments, refuseWalledOff } from '../own-assignments.ts';
import { pageClients } from '../services/clients-page.service.ts';
import { clientOverrides, settingsOf } from '../services/settings.service.ts';

export const Me: MeResolvers = {
  firm: async (me, _a, ctx) => {
    const [firm] = await ctx.control
      .select()
      .from(control.firms)
      .where(eq(control.firms.id, ctx.request.firm.id));
    if (!firm) throw new Error(`firm ${ctx.request.firm.id} of ${me.email} is missing`);
    return firm;
  },
  tenants: async (_me, _a, ctx) =>
    (await visibleClients(ctx.control, ctx.request)).map(({ tenant, role }) => ({ ...tenant, role })),
  tenantsConnection: (_me, args, ctx) => pageClients(ctx.control, ctx.request, args),
};

export const Firm: FirmResolvers = {};

export const Tenant: TenantResolvers = {
  // Other subgraphs may name any client; only those the caller may use resolve.
  __resolveReference: async (ref, ctx) => {
    const access = await clientRef(ctx, ref.id);
    return access ? { ...access.tenant, role: access.role } : null;
  },
  role: async (t, _a, ctx) => {
    if (t.role !== undefined) return t.role;
    return (await clientAccess(ctx.control, ctx.request, { id: t.id }))?.role ?? null;
  },
  archived: (t) => t.archivedAt !== null,
  assignedRole: async (t, _a, ctx) => (await ownAssignments(ctx)).get(t.id) ?? null,
  settings: async (t, _a, ctx) => {
    await refuseWalledOff(ctx, t);
    return { tenant: t };
  },
  whiteLabel: async (t, _a, ctx) => {
    await refuseWalledOff(ctx, t);
    const s = await settingsOf(ctx.control, t);
    return {
      displayName: s.displayName ?? t.name,
      logoUrl: s.logoUrl ?? null,
      brandColor: s.brandColor ?? null,
    };
  },
};

export const ClientRole: ClientRoleResolvers = {
  // Assignments are listed for the caller's own firm only, so the client is one of its own.
  tenant: async (a, _args, ctx) => {
    const t = await tenantById(ctx, a.tenantId);
    if (!t) throw new Error(`client ${a.tenantId} of a role assignment is missing`);
    return t;
  },
};

export const ClientSettings: ClientSettingsResolvers = {
  effective: (s, _a, ctx) => settingsOf(ctx.control, s.tenant),
  overrides: (s, _a, ctx) => clientOverrides(ctx.control, s.tenant.id),
};
