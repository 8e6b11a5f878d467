import { type Actor, type Caller, type ControlDb, clientAccess, control, type TenantRow } from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { Permissions as P } from '@cifra/permissions';
import { eq } from 'drizzle-orm';

/** Who acts on one client's settings, backups or restores, and in which firm. */
export interface ClientManager {
  actor: Actor;
  caller: Caller;
  firmId: string;
}

/**
 * A client of the caller's firm on which the caller holds Tenant.Manage, by slug or id. The shield
 * rule only knows the caller's firm-wide role; this applies their role on the client itself, so an
 * ethical wall (`NoAccess`) or a lower client role wins. The same NOT_FOUND for a client that does
 * not exist, is another firm's, or is walled off from the caller, so slugs cannot be probed.
 */
export async function managedClient(
  db: ControlDb,
  who: ClientManager,
  where: { slug: string } | { id: string },
  /**
   * The refusal instead, for a client named through something else (a backup, a request) that
   * still exists: what that thing's id answers when it does not exist, so that a walled client's
   * backups and requests cannot be told apart from none. A deleted client's are said to be gone.
   */
  asUnknown?: () => DomainError,
): Promise<TenantRow> {
  const access = await clientAccess(db, who.caller, where);
  if (!access || access.tenant.firmId !== who.firmId || !access.permissions.includes(P.Tenant.Manage)) {
    if (asUnknown && !(await deleted(db, where))) throw asUnknown();
    // By id, the client is one the caller named another way (a backup's, a request's): it is gone
    // (a deleted sandbox), another firm's, or walled off — said alike, without an id to echo.
    if (!('slug' in where)) {
      throw new DomainError(
        'NOT_FOUND',
        'The client this refers to does not exist any more, or you may not manage it',
      );
    }
    throw new DomainError('NOT_FOUND', `No client ${where.slug} you may manage in this firm`, {
      tenant: where.slug,
    });
  }
  return access.tenant;
}

/** Whether the client named by id was deleted (a sandbox: its row stays, DELETED). */
async function deleted(db: ControlDb, where: { slug: string } | { id: string }): Promise<boolean> {
  if (!('id' in where)) return false;
  const [row] = await db
    .select({ status: control.tenants.status })
    .from(control.tenants)
    .where(eq(control.tenants.id, where.id));
  return row?.status === 'DELETED';
}
