import {
  type ControlDb,
  control,
  inTransaction,
  type RoleName,
  recordAuditEvent,
  type TxOf,
} from '@cifra/db';
import { DomainError, requireReason } from '@cifra/domain';
import { and, eq } from 'drizzle-orm';
import { judgeOnOwnClients } from './manager-limits.ts';
import {
  type FirmMember,
  keepOneFirmAdmin,
  lockFirm,
  type Manager,
  membershipId,
  membershipOf,
  memberView,
  refuseSelf,
} from './members.service.ts';

/**
 * A member deactivated and reactivated (docs/architecture/tenancy.md, "People"): deactivation keeps
 * the membership and every role (the history stays whole and a reactivation gives the same access
 * back) and sets the user inactive, which the gateway refuses at once (MEMBER_DEACTIVATED). Only a
 * FirmAdmin does either, never to themself, and the firm keeps an active FirmAdmin. Like every
 * membership change, each runs in one control-plane transaction behind the firm row's lock, with
 * its firm-level audit event.
 */

/** Whether a manager of this firm-wide role may deactivate and reactivate people (`me.mayDeactivatePeople`). */
export const mayDeactivate = (firmRole: RoleName | null): boolean => firmRole === 'FirmAdmin';

function refuseUnlessFirmAdmin(manager: Manager, what: string): void {
  if (!mayDeactivate(manager.firmRole)) {
    throw new DomainError('FORBIDDEN', `${what}: only a FirmAdmin deactivates or reactivates people`, {
      yourRole: manager.firmRole,
    });
  }
}

/**
 * The manager as they are now, under the firm's lock: still active and still a FirmAdmin. Two
 * admins deactivating each other at the same moment queue on the lock, and the second finds
 * themself deactivated (their request passed the gateway before the first committed).
 */
async function requireActiveFirmAdmin(tx: TxOf<ControlDb>, manager: Manager, what: string): Promise<void> {
  const [me] = await tx
    .select({ active: control.users.active, firmRole: control.firmMemberships.firmRole })
    .from(control.firmMemberships)
    .innerJoin(control.users, eq(control.users.id, control.firmMemberships.userId))
    .where(
      and(
        eq(control.firmMemberships.firmId, manager.firmId),
        eq(control.firmMemberships.userId, manager.userId),
      ),
    );
  if (!me?.active) {
    throw new DomainError('MEMBER_DEACTIVATED', `${what}: you were deactivated meanwhile`, {
      userId: manager.userId,
    });
  }
  refuseUnlessFirmAdmin({ ...manager, firmRole: me.firmRole }, what);
}

async function setActive(tx: TxOf<ControlDb>, userId: string, active: boolean): Promise<void> {
  await tx.update(control.users).set({ active }).where(eq(control.users.id, userId));
}

/** Deactivate a member of the firm: refused by the gateway from their next request on. */
export async function deactivateFirmMember(
  db: ControlDb,
  manager: Manager,
  args: { userId: string; reason: string },
): Promise<FirmMember> {
  refuseUnlessFirmAdmin(manager, 'deactivateFirmMember');
  refuseSelf(manager, args.userId, 'deactivateFirmMember');
  const reason = requireReason(args.reason);
  return inTransaction(db, { ...manager.actor, reason }, async (tx) => {
    await lockFirm(tx, manager.firmId);
    await requireActiveFirmAdmin(tx, manager, 'deactivateFirmMember');
    const member = await membershipOf(tx, manager.firmId, args.userId);
    if (!member.active) return memberView(tx, manager.firmId, args.userId);
    await setActive(tx, args.userId, false);
    if (member.firmRole === 'FirmAdmin') await keepOneFirmAdmin(tx, manager.firmId);
    await recordAuditEvent(tx, manager.actor, {
      action: 'membership.deactivated',
      entityType: 'FirmMembership',
      entityId: membershipId(manager.firmId, args.userId),
      before: { email: member.email, active: true },
      after: { email: member.email, active: false },
      reason,
      tenantId: null,
      firmId: manager.firmId,
    });
    return memberView(tx, manager.firmId, args.userId);
  });
}

/** Reactivate a deactivated member: their roles apply again from their next request. */
export async function reactivateFirmMember(
  db: ControlDb,
  manager: Manager,
  args: { userId: string; reason?: string | null },
): Promise<FirmMember> {
  refuseUnlessFirmAdmin(manager, 'reactivateFirmMember');
  refuseSelf(manager, args.userId, 'reactivateFirmMember');
  const reason = args.reason?.trim() || null;
  return inTransaction(db, { ...manager.actor, reason }, async (tx) => {
    await lockFirm(tx, manager.firmId);
    await requireActiveFirmAdmin(tx, manager, 'reactivateFirmMember');
    const member = await membershipOf(tx, manager.firmId, args.userId);
    if (member.active) return memberView(tx, manager.firmId, args.userId);
    // Their roles apply again: where the manager holds a role of their own, judged there as giving
    // it (walled off a client, they do not let anyone back into it). Deactivating stays open to
    // any FirmAdmin, as suspending an integration does: it stops a person and keeps every role.
    await judgeOnOwnClients(tx, manager, 'reactivateFirmMember', args.userId, (held) => ({
      before: null,
      after: held ?? member.firmRole,
    }));
    await setActive(tx, args.userId, true);
    await recordAuditEvent(tx, manager.actor, {
      action: 'membership.reactivated',
      entityType: 'FirmMembership',
      entityId: membershipId(manager.firmId, args.userId),
      before: { email: member.email, active: false },
      after: { email: member.email, active: true },
      reason,
      tenantId: null,
      firmId: manager.firmId,
    });
    return memberView(tx, manager.firmId, args.userId);
  });
}
