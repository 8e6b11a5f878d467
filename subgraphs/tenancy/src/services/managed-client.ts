import { type Actor, type Caller, type ControlDb, clientAccess, type TenantRow } from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { Permissions as P } from '@cifra/permissions';

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
): Promise<TenantRow> {
  const access = await clientAccess(db, who.caller, where);
  if (!access || access.tenant.firmId !== who.firmId || !access.permissions.includes(P.Tenant.Manage)) {
    const name = 'slug' in where ? where.slug : 'the backed-up client';
    throw new DomainError('NOT_FOUND', `No client ${name} you may manage in this firm`, { tenant: name });
  }
  return access.tenant;
}
