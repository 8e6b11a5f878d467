import { and, asc, eq, sql } from 'drizzle-orm';
import { firmMemberships, tenantRoleAssignments, tenants, users } from './control/schema.ts';
import type { ControlDb } from './drizzle.ts';

export type RoleName = (typeof firmMemberships.firmRole.enumValues)[number];
export type TenantRow = typeof tenants.$inferSelect;

export interface Member {
  userId: string;
  email: string;
  displayName: string;
  firmId: string;
  firmRole: RoleName | null;
}

/** An active user and their firm membership, or null. */
export async function findMemberByEmail(control: ControlDb, email: string): Promise<Member | null> {
  const [row] = await control
    .select({
      userId: users.id,
      email: users.email,
      displayName: users.displayName,
      firmId: firmMemberships.firmId,
      firmRole: firmMemberships.firmRole,
    })
    .from(users)
    .innerJoin(firmMemberships, eq(firmMemberships.userId, users.id))
    .where(and(eq(users.email, email.toLowerCase()), eq(users.active, true)));
  return row ?? null;
}

/**
 * The caller's role on a client: a role assigned on that client wins over the firm-wide role, and
 * a user with neither has no access. Only active clients of the caller's own firm count.
 */
const effectiveRole = sql<RoleName | null>`coalesce(${tenantRoleAssignments.role}, ${firmMemberships.firmRole})`;

function accessQuery(control: ControlDb, userId: string) {
  return control
    .select({ tenant: tenants, role: effectiveRole })
    .from(tenants)
    .innerJoin(
      firmMemberships,
      and(eq(firmMemberships.firmId, tenants.firmId), eq(firmMemberships.userId, userId)),
    )
    .leftJoin(
      tenantRoleAssignments,
      and(eq(tenantRoleAssignments.tenantId, tenants.id), eq(tenantRoleAssignments.userId, userId)),
    );
}

/** `NoAccess` on a client is an ethical wall: it wins over the firm-wide role and grants nothing. */
const hasAccess = sql`${effectiveRole} IS NOT NULL AND ${effectiveRole} <> 'NoAccess'`;

export async function accessibleTenants(
  control: ControlDb,
  userId: string,
): Promise<{ tenant: TenantRow; role: RoleName }[]> {
  const rows = await accessQuery(control, userId)
    .where(and(eq(tenants.status, 'ACTIVE'), hasAccess))
    .orderBy(asc(tenants.name));
  return rows.filter(
    (r): r is { tenant: TenantRow; role: RoleName } => r.role !== null && r.role !== 'NoAccess',
  );
}

export async function tenantAccess(
  control: ControlDb,
  userId: string,
  where: { slug: string } | { id: string },
): Promise<{ tenant: TenantRow; role: RoleName } | null> {
  const match = 'slug' in where ? eq(tenants.slug, where.slug) : eq(tenants.id, where.id);
  const [row] = await accessQuery(control, userId).where(and(match, eq(tenants.status, 'ACTIVE')));
  return row?.role && row.role !== 'NoAccess' ? { tenant: row.tenant, role: row.role } : null;
}
