import { control, type RoleName } from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { eq } from 'drizzle-orm';
import type { Context } from './context.ts';

const perRequest = new WeakMap<Context, Promise<Map<string, RoleName>>>();

/**
 * The caller's own client-level role assignments (client id → role), read once per request
 * however many clients the answer lists. An integration has grants, not assignments: none.
 */
export function ownAssignments(ctx: Context): Promise<Map<string, RoleName>> {
  let found = perRequest.get(ctx);
  if (!found) {
    found = ctx.request.integration
      ? Promise.resolve(new Map())
      : ctx.control
          .select({
            tenantId: control.tenantRoleAssignments.tenantId,
            role: control.tenantRoleAssignments.role,
          })
          .from(control.tenantRoleAssignments)
          .where(eq(control.tenantRoleAssignments.userId, ctx.request.userId))
          .then((rows) => new Map(rows.map((r) => [r.tenantId, r.role as RoleName])));
    perRequest.set(ctx, found);
  }
  return found;
}

/**
 * FORBIDDEN for a caller walled off the client (NoAccess). The firm's lists (members' client roles,
 * integrations' grants) name a client whoever reads them; what the client keeps private — its
 * settings, its branding — stays behind the wall wherever a Tenant is reached.
 */
export async function refuseWalledOff(ctx: Context, tenant: { id: string; slug: string }): Promise<void> {
  if ((await walledClients(ctx)).has(tenant.id))
    throw new DomainError(
      'FORBIDDEN',
      `You are walled off ${tenant.slug}: its settings are not yours to read`,
      {
        tenant: tenant.slug,
      },
    );
}

/** The clients the caller is walled off (NoAccess), by id; none for an integration. */
export async function walledClients(ctx: Context): Promise<Set<string>> {
  const walls = [...(await ownAssignments(ctx))].filter(([, role]) => role === 'NoAccess');
  return new Set(walls.map(([tenantId]) => tenantId));
}
