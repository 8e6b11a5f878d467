import { type ControlDb, control, type RoleName, type TxOf } from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { roleWithin } from '@cifra/permissions';
import { and, asc, eq, ne } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Manager } from './members.service.ts';

/**
 * How far a manager reaches: no role above their own (firm-wide, or on a client their role there),
 * and on a client they are walled off, nothing of its access.
 */

/** Refuses a role above the manager's own: firm-wide, or `own` on one client. */
export function refuseAbove(
  manager: Manager,
  role: RoleName | null,
  what: string,
  own = manager.firmRole,
): void {
  if (role !== null && !roleWithin(role, own)) {
    throw new DomainError('FORBIDDEN', `${what}: ${role} is above your own role`, {
      role,
      yourRole: own,
    });
  }
}

/*
 * The rules of one client applied to every change of a person's membership, not only to their
 * roles on that client (docs/architecture/tenancy.md, "Who decides access, and the ethical wall").
 * On a client where the manager holds a role of their own, `assignClientRole` and
 * `revokeClientRole` judge them by that role (`roleOn`): walled off it (NoAccess) they change
 * nothing of its access, restricted there they give and take back no more than they hold there.
 * A membership change reaches that client too — removing the person takes their role there with
 * it, a firm-wide role applies there wherever they hold none of their own, adding or reactivating
 * someone gives them their role there — so it is judged the same way. Otherwise revoking a wall is
 * refused but removing the person and adding them back lifts it.
 */

/** The refusal of a manager walled off `slug`: the same words and details wherever it is met. */
export function walledOff(slug: string): DomainError {
  return new DomainError('FORBIDDEN', `You are walled off ${slug}: someone else manages its access`, {
    tenant: slug,
  });
}

/** A client where the manager holds a role of their own (`mine`), with the member's own role there. */
interface OwnClient {
  slug: string;
  mine: RoleName;
  held: RoleName | null;
}

/**
 * The clients of the manager's firm where they hold a role of their own, by slug, walls first,
 * each with `userId`'s own role there. A deleted sandbox is left out: nobody reaches it any more,
 * and its walls stay whatever happens to its people.
 */
async function ownClients(tx: TxOf<ControlDb>, manager: Manager, userId: string): Promise<OwnClient[]> {
  const mine = alias(control.tenantRoleAssignments, 'mine');
  const theirs = alias(control.tenantRoleAssignments, 'theirs');
  const rows = await tx
    .select({ slug: control.tenants.slug, mine: mine.role, held: theirs.role })
    .from(mine)
    .innerJoin(
      control.tenants,
      and(eq(control.tenants.id, mine.tenantId), eq(control.tenants.firmId, manager.firmId)),
    )
    .leftJoin(theirs, and(eq(theirs.tenantId, mine.tenantId), eq(theirs.userId, userId)))
    .where(and(eq(mine.userId, manager.userId), ne(control.tenants.status, 'DELETED')))
    .orderBy(asc(control.tenants.slug));
  const walled = (c: OwnClient) => (c.mine === 'NoAccess' ? 0 : 1);
  return rows.sort((a, b) => walled(a) - walled(b));
}

/**
 * What a change does to the member on one client: their role there before and after it (their
 * own assignment, else their firm-wide role; null for none — not a member, or not active).
 */
export type RoleChange = (held: RoleName | null) => { before: RoleName | null; after: RoleName | null };

/**
 * Refuses, before anything is written, a change that `change` says alters the member's role on a
 * client where the manager holds a role of their own: walled off it, FORBIDDEN as
 * `revokeClientRole` there (`walledOff`); restricted there, FORBIDDEN when the role before or
 * after is above theirs there (`refuseAbove`, as `assignClientRole` and `revokeClientRole`).
 */
export async function judgeOnOwnClients(
  tx: TxOf<ControlDb>,
  manager: Manager,
  what: string,
  userId: string,
  change: RoleChange,
): Promise<void> {
  for (const c of await ownClients(tx, manager, userId)) {
    const { before, after } = change(c.held);
    if (before === after) continue;
    if (c.mine === 'NoAccess') throw walledOff(c.slug);
    refuseAbove(manager, before, what, c.mine);
    refuseAbove(manager, after, what, c.mine);
  }
}
