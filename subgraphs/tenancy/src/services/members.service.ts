import {
  type Actor,
  type ControlDb,
  control,
  inTransaction,
  type RoleName,
  recordAuditEvent,
  type TxOf,
} from '@cifra/db';
import { badInput, DomainError, requireReason } from '@cifra/domain';
import { losesPermissions } from '@cifra/permissions';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { judgeOnOwnClients, refuseAbove } from './manager-limits.ts';

/**
 * The firm's people: who is a member, their firm-wide role, and their roles on single clients.
 * Every change runs in one control-plane transaction with its firm-level audit event (and the
 * history triggers record the rows' versions with the same actor and reason). The rules:
 *
 * - nobody grants a role above their own (every permission of the role must be one they hold
 *   firm-wide: `roleWithin`), nor changes anything for someone whose role is above their own; on
 *   one client, their own role is the one they have there (an assignment restricting them to
 *   reading it, say), and walled off it they change nothing of its access — neither through its
 *   client roles nor through a membership change that reaches it: adding, removing, a firm-wide
 *   role, reactivating (`judgeOnOwnClients`, manager-limits.ts);
 * - a wall (NoAccess) is the firm's decision about a person: it stays when they are removed and
 *   applies again when they are added back;
 * - a change that takes permissions away (demotion, revocation, removal) needs a reason of at
 *   least 20 characters, checked before anything is written;
 * - the firm always keeps at least one FirmAdmin. Every change locks the firm row first, so two
 *   admins demoting each other at the same moment cannot both succeed;
 * - under that lock the manager must still be an active member (lockFirmFor): a request that
 *   passed the gateway before its sender was deactivated or removed changes nothing.
 */

/** Who is acting, as the signed context says: the user, their firm and their firm-wide role. */
export interface Manager {
  actor: Actor;
  userId: string;
  firmId: string;
  firmRole: RoleName | null;
}

export interface ClientRole {
  tenantId: string;
  role: RoleName;
}

export interface FirmMember {
  userId: string;
  email: string;
  displayName: string;
  active: boolean;
  firmRole: RoleName | null;
  memberSince: Date;
  clientRoles: ClientRole[];
}

export const membershipId = (firmId: string, userId: string) => `${firmId}:${userId}`;
export const assignmentId = (tenantId: string, userId: string) => `${tenantId}:${userId}`;

/** A member's email, as every member is added: trimmed, lower-cased, an address. */
/**
 * A member's email, as the signed context and every audit event of theirs carry it: at most 254
 * characters (the longest address SMTP delivers), so no member grows the context a subgraph reads.
 */
export const memberEmailSchema = z.string().trim().toLowerCase().max(254).email();

const addInput = z.object({
  email: memberEmailSchema,
  displayName: z.string().trim().min(1).max(200),
});

/**
 * A person's own memberships and roles are changed only by someone else: nobody lifts their own
 * restriction, widens their own access or quietly removes their own ethical wall.
 */
export function refuseSelf(manager: Manager, userId: string, what: string): void {
  if (userId === manager.userId) {
    throw new DomainError('SELF_ACCESS_CHANGE', `${what}: your own access is changed by someone else`, {
      userId,
    });
  }
}

/** `NoAccess` is a wall on one client; firm-wide it would be a removal, which has its own mutation. */
function refuseFirmWideNoAccess(role: RoleName | null): void {
  if (role === 'NoAccess') {
    throw badInput(
      'role: NoAccess applies to one client (assignClientRole); use removeFirmMember to remove someone',
      {
        field: 'role',
      },
    );
  }
}

/** The firm row, locked for the rest of the transaction: membership changes of one firm queue up here. */
export async function lockFirm(tx: TxOf<ControlDb>, firmId: string): Promise<void> {
  await tx.execute(sql`SELECT 1 FROM firms WHERE id = ${firmId} FOR UPDATE`);
}

/**
 * The firm row locked, then the manager as they are now: still a member and still active. The
 * gateway checked both when the request came in, but a deactivation or removal committed since (a
 * request already on its way, or another gateway's one-second access cache) must not act.
 */
export async function lockFirmFor(tx: TxOf<ControlDb>, manager: Manager): Promise<void> {
  await lockFirm(tx, manager.firmId);
  const [me] = await tx
    .select({ active: control.users.active })
    .from(control.firmMemberships)
    .innerJoin(control.users, eq(control.users.id, control.firmMemberships.userId))
    .where(
      and(
        eq(control.firmMemberships.firmId, manager.firmId),
        eq(control.firmMemberships.userId, manager.userId),
      ),
    );
  if (!me) throw new DomainError('FORBIDDEN', 'You are no longer a member of this firm', {});
  if (!me.active) throw new DomainError('MEMBER_DEACTIVATED', 'You were deactivated meanwhile', {});
}

export async function membershipOf(tx: TxOf<ControlDb> | ControlDb, firmId: string, userId: string) {
  const [row] = await tx
    .select({
      userId: control.users.id,
      email: control.users.email,
      active: control.users.active,
      firmRole: control.firmMemberships.firmRole,
    })
    .from(control.firmMemberships)
    .innerJoin(control.users, eq(control.users.id, control.firmMemberships.userId))
    .where(and(eq(control.firmMemberships.firmId, firmId), eq(control.firmMemberships.userId, userId)));
  if (!row) throw new DomainError('NOT_FOUND', `No member ${userId} in this firm`, { userId });
  return row;
}

/** Refuses when the change would leave the firm without an active FirmAdmin. */
export async function keepOneFirmAdmin(tx: TxOf<ControlDb>, firmId: string): Promise<void> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(control.firmMemberships)
    .innerJoin(control.users, eq(control.users.id, control.firmMemberships.userId))
    .where(
      and(
        eq(control.firmMemberships.firmId, firmId),
        eq(control.firmMemberships.firmRole, 'FirmAdmin'),
        eq(control.users.active, true),
      ),
    );
  if ((row?.n ?? 0) < 1) {
    throw new DomainError('LAST_FIRM_ADMIN', 'The firm must keep at least one FirmAdmin', { firmId });
  }
}

/** Every member of the firm (or the given ones), by email, with their roles on single clients. */
export async function listFirmMembers(
  db: ControlDb | TxOf<ControlDb>,
  firmId: string,
  userIds?: string[],
): Promise<FirmMember[]> {
  const where = userIds
    ? and(eq(control.firmMemberships.firmId, firmId), inArray(control.firmMemberships.userId, userIds))
    : eq(control.firmMemberships.firmId, firmId);
  const members = await db
    .select({
      userId: control.users.id,
      email: control.users.email,
      displayName: control.users.displayName,
      active: control.users.active,
      firmRole: control.firmMemberships.firmRole,
      memberSince: control.firmMemberships.createdAt,
    })
    .from(control.firmMemberships)
    .innerJoin(control.users, eq(control.users.id, control.firmMemberships.userId))
    .where(where)
    .orderBy(asc(control.users.email));
  if (!members.length) return [];
  const assignments = await db
    .select({
      userId: control.tenantRoleAssignments.userId,
      tenantId: control.tenantRoleAssignments.tenantId,
      role: control.tenantRoleAssignments.role,
    })
    .from(control.tenantRoleAssignments)
    .innerJoin(control.tenants, eq(control.tenants.id, control.tenantRoleAssignments.tenantId))
    .where(
      and(
        eq(control.tenants.firmId, firmId),
        inArray(
          control.tenantRoleAssignments.userId,
          members.map((m) => m.userId),
        ),
      ),
    )
    .orderBy(asc(control.tenants.slug));
  return members.map((m) => ({
    ...m,
    clientRoles: assignments
      .filter((a) => a.userId === m.userId)
      .map(({ tenantId, role }) => ({ tenantId, role })),
  }));
}

export async function memberView(db: ControlDb | TxOf<ControlDb>, firmId: string, userId: string) {
  const [m] = await listFirmMembers(db, firmId, [userId]);
  if (!m) throw new DomainError('NOT_FOUND', `No member ${userId} in this firm`, { userId });
  return m;
}

/**
 * Add someone to the firm: the user is created when the email is new, then made a member with the
 * given firm-wide role (none: they see only the clients they are then assigned). Someone added back
 * finds the walls they had, and stays deactivated if they were removed so.
 */
export async function addFirmMember(
  db: ControlDb,
  manager: Manager,
  raw: { email: string; displayName: string; firmRole?: RoleName | null },
): Promise<FirmMember> {
  const parsed = addInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badInput(`${issue.path.join('.')}: ${issue.message}`, { field: issue.path.join('.') });
  }
  const { email, displayName } = parsed.data;
  const firmRole = raw.firmRole ?? null;
  refuseFirmWideNoAccess(firmRole);
  refuseAbove(manager, firmRole, 'addFirmMember');
  return inTransaction(db, manager.actor, async (tx) => {
    await lockFirmFor(tx, manager);
    const [existing] = await tx.select().from(control.users).where(eq(control.users.email, email));
    if (existing) {
      const memberships = await tx
        .select({ firmId: control.firmMemberships.firmId })
        .from(control.firmMemberships)
        .where(eq(control.firmMemberships.userId, existing.id));
      if (memberships.length) {
        throw new DomainError(
          'CONFLICT',
          memberships.some((m) => m.firmId === manager.firmId)
            ? `${email} is already a member of this firm`
            : `${email} belongs to another firm`,
          { email },
        );
      }
    }
    // Someone removed while deactivated comes back deactivated: only a FirmAdmin reactivates
    // (reactivateFirmMember), and adding them back is not a way round it.
    const [user] = existing
      ? [existing]
      : await tx.insert(control.users).values({ email, displayName }).returning();
    // Their walls stayed when they left (removeFirmMember) and apply again; their firm-wide role
    // applies on every other client, so where the manager holds a role of their own it is judged
    // there (walled off a client, they give nobody a role on it).
    await judgeOnOwnClients(tx, manager, 'addFirmMember', user!.id, (held) => ({
      before: null,
      after: held ?? firmRole,
    }));
    await tx.insert(control.firmMemberships).values({ firmId: manager.firmId, userId: user!.id, firmRole });
    const added = await memberView(tx, manager.firmId, user!.id);
    await recordAuditEvent(tx, manager.actor, {
      action: 'membership.added',
      entityType: 'FirmMembership',
      entityId: membershipId(manager.firmId, user!.id),
      after: {
        userId: user!.id,
        email,
        displayName: user!.displayName,
        firmRole,
        newUser: !existing,
        active: added.active,
        // The walls they come back with (redacted for whoever is walled off those clients).
        clientRoles: added.clientRoles,
      },
      tenantId: null,
      firmId: manager.firmId,
    });
    return added;
  });
}

/**
 * Change (or, with `role: null`, take away) someone's firm-wide role. Taking permissions away needs
 * a reason; the last FirmAdmin cannot be demoted.
 */
export async function changeFirmRole(
  db: ControlDb,
  manager: Manager,
  args: { userId: string; role: RoleName | null; reason?: string | null },
): Promise<FirmMember> {
  refuseSelf(manager, args.userId, 'changeFirmRole');
  refuseFirmWideNoAccess(args.role);
  refuseAbove(manager, args.role, 'changeFirmRole');
  return inTransaction(db, manager.actor, async (tx) => {
    await lockFirmFor(tx, manager);
    const member = await membershipOf(tx, manager.firmId, args.userId);
    refuseAbove(manager, member.firmRole, 'changeFirmRole');
    if (member.firmRole === args.role) return memberView(tx, manager.firmId, args.userId);
    // The firm-wide role applies on every client where they hold no role of their own: where the
    // manager holds one of their own, the change is judged there (walled off it, FORBIDDEN).
    await judgeOnOwnClients(tx, manager, 'changeFirmRole', args.userId, (held) => ({
      before: held ?? member.firmRole,
      after: held ?? args.role,
    }));
    const reason = losesPermissions(member.firmRole, args.role)
      ? requireReason(args.reason)
      : args.reason?.trim() || null;
    if (reason) await tx.execute(sql`SELECT set_config('cifra.reason', ${reason}, true)`);
    await tx
      .update(control.firmMemberships)
      .set({ firmRole: args.role })
      .where(
        and(
          eq(control.firmMemberships.firmId, manager.firmId),
          eq(control.firmMemberships.userId, args.userId),
        ),
      );
    if (member.firmRole === 'FirmAdmin') await keepOneFirmAdmin(tx, manager.firmId);
    await recordAuditEvent(tx, manager.actor, {
      action: 'membership.firm_role_changed',
      entityType: 'FirmMembership',
      entityId: membershipId(manager.firmId, args.userId),
      before: { email: member.email, firmRole: member.firmRole },
      after: { email: member.email, firmRole: args.role },
      reason,
      tenantId: null,
      firmId: manager.firmId,
    });
    return memberView(tx, manager.firmId, args.userId);
  });
}

/**
 * Remove someone from the firm: their firm membership and every role they hold on the firm's
 * clients but their walls, which are kept for a return. Their next request is refused; the audit
 * trail and the history keep what they did.
 */
export async function removeFirmMember(
  db: ControlDb,
  manager: Manager,
  args: { userId: string; reason: string },
): Promise<FirmMember> {
  refuseSelf(manager, args.userId, 'removeFirmMember');
  const reason = requireReason(args.reason);
  return inTransaction(db, { ...manager.actor, reason }, async (tx) => {
    await lockFirmFor(tx, manager);
    const before = await memberView(tx, manager.firmId, args.userId);
    refuseAbove(manager, before.firmRole, 'removeFirmMember');
    for (const a of before.clientRoles) refuseAbove(manager, a.role, 'removeFirmMember');
    // Their role on every client goes with them (their own, a wall too, or the firm-wide one): on a
    // client where the manager holds a role of their own, judged as revokeClientRole would judge it
    // there — walled off it, FORBIDDEN, so leaving and coming back is no way round a wall.
    await judgeOnOwnClients(tx, manager, 'removeFirmMember', args.userId, (held) => ({
      before: held ?? before.firmRole,
      after: null,
    }));
    // Their walls stay: a wall is the firm's decision about the person, not about their
    // membership, and applies again if they are added back (the member list shows them then).
    // Without a membership it lets them into nothing (access joins the membership).
    const walls = before.clientRoles.filter((a) => a.role === 'NoAccess');
    const tenantIds = before.clientRoles.filter((a) => a.role !== 'NoAccess').map((a) => a.tenantId);
    if (tenantIds.length) {
      await tx
        .delete(control.tenantRoleAssignments)
        .where(
          and(
            eq(control.tenantRoleAssignments.userId, args.userId),
            inArray(control.tenantRoleAssignments.tenantId, tenantIds),
          ),
        );
    }
    await tx
      .delete(control.firmMemberships)
      .where(
        and(
          eq(control.firmMemberships.firmId, manager.firmId),
          eq(control.firmMemberships.userId, args.userId),
        ),
      );
    if (before.firmRole === 'FirmAdmin') await keepOneFirmAdmin(tx, manager.firmId);
    await recordAuditEvent(tx, manager.actor, {
      action: 'membership.removed',
      entityType: 'FirmMembership',
      entityId: membershipId(manager.firmId, args.userId),
      before: { email: before.email, firmRole: before.firmRole, clientRoles: before.clientRoles },
      // The walls kept (redacted, as `before.clientRoles`, for whoever is walled off those clients).
      after: { email: before.email, clientRoles: walls },
      reason,
      tenantId: null,
      firmId: manager.firmId,
    });
    return { ...before, firmRole: null, clientRoles: [] };
  });
}
