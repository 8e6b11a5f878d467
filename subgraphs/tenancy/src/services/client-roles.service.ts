import {
  type ControlDb,
  control,
  inTransaction,
  type RoleName,
  recordAuditEvent,
  type TxOf,
} from '@cifra/db';
import { DomainError, requireReason } from '@cifra/domain';
import { losesPermissions } from '@cifra/permissions';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { refuseAbove, walledOff } from './manager-limits.ts';
import {
  assignmentId,
  type FirmMember,
  lockFirmFor,
  type Manager,
  membershipOf,
  memberView,
  refuseSelf,
} from './members.service.ts';

/**
 * A member's roles on single clients: given (a role or a wall, NoAccess) and taken back. On one
 * client the manager's own role is the one they have there — their assignment, else their
 * firm-wide role — so someone restricted to reading a client gives no Senior role on it, and
 * someone walled off it changes nothing of its access (the rules of members.service.ts otherwise).
 */

/** A person's own role assignment on one client, if they have one. */
export async function assignmentOf(tx: TxOf<ControlDb>, tenantId: string, userId: string) {
  const [row] = await tx
    .select()
    .from(control.tenantRoleAssignments)
    .where(
      and(
        eq(control.tenantRoleAssignments.tenantId, tenantId),
        eq(control.tenantRoleAssignments.userId, userId),
      ),
    );
  return row;
}

/**
 * The manager's own role on one client — their assignment there, else their firm-wide role: what
 * they may give or take away there. Someone walled off it (NoAccess) does not decide who else sees
 * it: FORBIDDEN.
 */
async function roleOn(
  tx: TxOf<ControlDb>,
  manager: Manager,
  tenantId: string,
  slug: string,
): Promise<RoleName | null> {
  const own = await assignmentOf(tx, tenantId, manager.userId);
  if (own?.role === 'NoAccess') throw walledOff(slug);
  return own?.role ?? manager.firmRole;
}

/** Someone walled off a client does not decide who else sees it (FORBIDDEN). */
export async function refuseWalled(
  tx: TxOf<ControlDb>,
  manager: Manager,
  tenantId: string,
  slug: string,
): Promise<void> {
  await roleOn(tx, manager, tenantId, slug);
}

/** A client of the manager's firm, by slug. */
async function clientOf(tx: TxOf<ControlDb> | ControlDb, firmId: string, slug: string) {
  const [t] = await tx
    .select()
    .from(control.tenants)
    .where(and(eq(control.tenants.slug, slug), eq(control.tenants.firmId, firmId)));
  if (!t) throw new DomainError('NOT_FOUND', `No client ${slug} in this firm`, { tenant: slug });
  return t;
}

/**
 * Give a member a role on one client (it takes precedence over their firm-wide role there), or
 * change the one they have. A change that takes permissions away needs a reason.
 */
export async function assignClientRole(
  db: ControlDb,
  manager: Manager,
  args: { userId: string; tenant: string; role: RoleName; reason?: string | null },
): Promise<FirmMember> {
  refuseSelf(manager, args.userId, 'assignClientRole');
  refuseAbove(manager, args.role, 'assignClientRole');
  return inTransaction(db, manager.actor, async (tx) => {
    await lockFirmFor(tx, manager);
    const member = await membershipOf(tx, manager.firmId, args.userId);
    refuseAbove(manager, member.firmRole, 'assignClientRole');
    const client = await clientOf(tx, manager.firmId, args.tenant);
    // On this client the manager gives no more than they hold there (restricted to reading it, not a Senior's role).
    const here = await roleOn(tx, manager, client.id, args.tenant);
    refuseAbove(manager, args.role, 'assignClientRole', here);
    const current = await assignmentOf(tx, client.id, args.userId);
    // What the member has on this client today: the assignment, else their firm-wide role.
    const effective = current?.role ?? member.firmRole;
    refuseAbove(manager, effective, 'assignClientRole', here);
    if (current?.role === args.role) return memberView(tx, manager.firmId, args.userId);
    const reason = losesPermissions(effective, args.role)
      ? requireReason(args.reason)
      : args.reason?.trim() || null;
    if (reason) await tx.execute(sql`SELECT set_config('cifra.reason', ${reason}, true)`);
    await tx
      .insert(control.tenantRoleAssignments)
      .values({ tenantId: client.id, userId: args.userId, role: args.role })
      .onConflictDoUpdate({
        target: [control.tenantRoleAssignments.tenantId, control.tenantRoleAssignments.userId],
        set: { role: args.role },
      });
    await recordAuditEvent(tx, manager.actor, {
      action: current ? 'membership.client_role_changed' : 'membership.client_role_assigned',
      entityType: 'TenantRoleAssignment',
      entityId: assignmentId(client.id, args.userId),
      before: current ? { email: member.email, tenant: client.slug, role: current.role } : null,
      after: { email: member.email, tenant: client.slug, role: args.role },
      reason,
      tenantId: client.id,
      firmId: manager.firmId,
    });
    return memberView(tx, manager.firmId, args.userId);
  });
}

/**
 * Whose client role is taken away: a member of the firm, or someone removed from it whose walls on
 * its clients stay (removeFirmMember keeps them), so that a wall is lifted without adding them
 * back first. Anyone else is NOT_FOUND, as a member who does not exist.
 */
async function revokedFrom(tx: TxOf<ControlDb>, firmId: string, userId: string) {
  const [leaver] = await tx
    .select({ userId: control.users.id, email: control.users.email })
    .from(control.users)
    .innerJoin(
      control.tenantRoleAssignments,
      and(
        eq(control.tenantRoleAssignments.userId, control.users.id),
        eq(control.tenantRoleAssignments.role, 'NoAccess'),
      ),
    )
    .innerJoin(
      control.tenants,
      and(eq(control.tenants.id, control.tenantRoleAssignments.tenantId), eq(control.tenants.firmId, firmId)),
    )
    .leftJoin(
      control.firmMemberships,
      and(eq(control.firmMemberships.userId, control.users.id), eq(control.firmMemberships.firmId, firmId)),
    )
    .where(and(eq(control.users.id, userId), isNull(control.firmMemberships.userId)))
    .limit(1);
  if (leaver) return { ...leaver, firmRole: null, member: false };
  return { ...(await membershipOf(tx, firmId, userId)), member: true };
}

/**
 * Take away a member's role on one client; their firm-wide role (if any) applies there again. Also
 * lifts the wall of someone removed from the firm (nothing of theirs applies there then; answers
 * null, as they are no member to show).
 */
export async function revokeClientRole(
  db: ControlDb,
  manager: Manager,
  args: { userId: string; tenant: string; reason: string },
): Promise<FirmMember | null> {
  refuseSelf(manager, args.userId, 'revokeClientRole');
  const reason = requireReason(args.reason);
  return inTransaction(db, { ...manager.actor, reason }, async (tx) => {
    await lockFirmFor(tx, manager);
    const member = await revokedFrom(tx, manager.firmId, args.userId);
    // Without the assignment their firm-wide role applies on this client again.
    refuseAbove(manager, member.firmRole, 'revokeClientRole');
    const client = await clientOf(tx, manager.firmId, args.tenant);
    const here = await roleOn(tx, manager, client.id, args.tenant);
    // Without the assignment the member's firm-wide role applies here: the manager must hold it here too.
    refuseAbove(manager, member.firmRole, 'revokeClientRole', here);
    const removed = await assignmentOf(tx, client.id, args.userId);
    if (!removed) {
      throw new DomainError('NOT_FOUND', `${member.email} has no role of their own on ${client.slug}`, {
        userId: args.userId,
        tenant: client.slug,
      });
    }
    refuseAbove(manager, removed.role, 'revokeClientRole', here);
    await tx
      .delete(control.tenantRoleAssignments)
      .where(
        and(
          eq(control.tenantRoleAssignments.tenantId, client.id),
          eq(control.tenantRoleAssignments.userId, args.userId),
        ),
      );
    await recordAuditEvent(tx, manager.actor, {
      action: 'membership.client_role_revoked',
      entityType: 'TenantRoleAssignment',
      entityId: assignmentId(client.id, args.userId),
      before: { email: member.email, tenant: client.slug, role: removed.role },
      after: {
        email: member.email,
        tenant: client.slug,
        role: null,
        firmRoleApplies: member.firmRole,
        ...(member.member ? {} : { removedFromFirm: true }),
      },
      reason,
      tenantId: client.id,
      firmId: manager.firmId,
    });
    return member.member ? memberView(tx, manager.firmId, args.userId) : null;
  });
}
