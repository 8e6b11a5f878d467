import { activeLegalHold, asClientSwapper, type BackupStore, lockHolds } from '@cifra/backups';
import {
  type ControlDb,
  control,
  dropClientLogins,
  dropDatabase,
  inTransaction,
  recordAuditEvent,
  resolveSecrets,
  setDatabaseReadOnly,
  type TenantRow,
} from '@cifra/db';
import { DomainError, requireReason } from '@cifra/domain';
import { and, eq, isNotNull, isNull, ne } from 'drizzle-orm';
import { type ClientManager, managedClient } from './managed-client.ts';

/** What deleting a sandbox and archiving a client need beyond the control plane. */
export interface ClientLifecycleDeps {
  control: ControlDb;
  /** The `${NAME}` secrets of the servers' admin URLs (the provisioning secrets). */
  secrets: Readonly<Record<string, string | undefined>>;
  /** Where backups are kept; null where no backup key is configured (no backup to remove then). */
  store: BackupStore | null;
}

/** The answer to deleteSandboxClient. */
export interface SandboxDeletion {
  tenantId: string;
  slug: string;
  deletedAt: Date;
  backupsDeleted: number;
}

const gone = (slug: string) =>
  new DomainError('NOT_FOUND', `No client ${slug} you may manage in this firm`, { tenant: slug });

const held = (slug: string) =>
  new DomainError(
    'LEGAL_HOLD_EXISTS',
    `${slug}'s backups are under legal hold: release it (releaseBackupLegalHold) before deleting the sandbox`,
    { tenant: slug },
  );

/** The client's row as it is now (under its swap lock), or null. */
async function current(db: ControlDb, id: string): Promise<TenantRow | null> {
  const [row] = await db.select().from(control.tenants).where(eq(control.tenants.id, id));
  return row ?? null;
}

async function adminUrlOf(db: ControlDb, secrets: ClientLifecycleDeps['secrets'], serverId: string) {
  const [server] = await db
    .select({ adminUrl: control.dbServers.adminUrl })
    .from(control.dbServers)
    .where(eq(control.dbServers.id, serverId));
  if (!server) throw new Error(`database server ${serverId} of a client is not registered`);
  return resolveSecrets(server.adminUrl, secrets);
}

/**
 * Delete a sandbox client: its database and logins dropped, its backups removed, its row kept as
 * DELETED (the firm's trail and the backups' records still name it) with its slug given back (moved
 * to `deletedSlug`, a tombstone in its place), `tenant.sandbox_deleted` with the reason in the firm's
 * trail. A live client is refused NOT_A_SANDBOX and nothing is written.
 *
 * Under the client's swap lock (the one moves and restores in place hold), so two deletions take
 * turns: the second finds the client DELETED and answers NOT_FOUND, as it would a moment later.
 * The database is dropped before the row is marked: a failure in between leaves a client that no
 * longer answers (TENANT_UNAVAILABLE) but is still listed, and the same call again finishes it —
 * never a row saying DELETED over a database nobody will drop.
 */
export async function deleteSandboxClient(
  deps: ClientLifecycleDeps,
  who: ClientManager,
  slug: string,
  rawReason: string,
): Promise<SandboxDeletion> {
  const reason = requireReason(rawReason);
  const tenant = await managedClient(deps.control, who, { slug });
  if (!tenant.sandbox)
    throw new DomainError(
      'NOT_A_SANDBOX',
      `${slug} is a live client: a live client is never deleted, archive it instead (archiveClient)`,
      { tenant: slug },
    );
  // Everything under the lock goes through its session (`onOwnSession`, @cifra/db).
  return asClientSwapper(deps.control, tenant.id, async (db) => {
    const row = await current(db, tenant.id);
    if (row?.status !== 'ACTIVE') throw gone(slug);
    if (await activeLegalHold(db, row.id)) throw held(slug);
    const adminUrl = await adminUrlOf(db, deps.secrets, row.serverId);
    await dropDatabase(adminUrl, row.databaseName);
    await dropClientLogins(adminUrl, row.databaseName);
    const actor = { ...who.actor, reason };
    const { deletedAt, backups } = await inTransaction(db, actor, async (tx) => {
      // A hold set since the check above wins (its change takes this lock too): the backups stay,
      // and the same call completes the deletion once the hold is released.
      await lockHolds(tx, row.id);
      if (await activeLegalHold(tx, row.id)) throw held(slug);
      const at = new Date();
      const [marked] = await tx
        .update(control.tenants)
        .set({ status: 'DELETED', deletedAt: at, slug: control.tombstoneSlug(row.id), deletedSlug: row.slug })
        .where(and(eq(control.tenants.id, row.id), eq(control.tenants.status, 'ACTIVE')))
        .returning();
      if (!marked) throw gone(slug);
      // Nobody reaches a deleted client: its roles, grants and board lines go with it. Its walls
      // (NoAccess) stay: the client's part of the firm's trail outlives it, and so does the wall.
      await tx
        .delete(control.tenantRoleAssignments)
        .where(
          and(
            eq(control.tenantRoleAssignments.tenantId, row.id),
            ne(control.tenantRoleAssignments.role, 'NoAccess'),
          ),
        );
      await tx.delete(control.integrationGrants).where(eq(control.integrationGrants.tenantId, row.id));
      await tx.delete(control.clientCloseMonths).where(eq(control.clientCloseMonths.tenantId, row.id));
      await tx
        .delete(control.clientCloseProjections)
        .where(eq(control.clientCloseProjections.tenantId, row.id));
      // A restore in place still waiting for its approval has nothing left to restore over.
      const withdrawn = await tx
        .update(control.restoreInPlaceRequests)
        .set({
          status: 'WITHDRAWN',
          withdrawnByUser: actor.userId,
          withdrawnBy: actor.email ?? 'unknown',
          withdrawalReason: `The sandbox was deleted: ${reason}`,
          finishedAt: at,
        })
        .where(
          and(
            eq(control.restoreInPlaceRequests.tenantId, row.id),
            eq(control.restoreInPlaceRequests.status, 'PENDING'),
          ),
        )
        .returning({ id: control.restoreInPlaceRequests.id });
      // A sandbox's backups are deleted with it (no retention keeps them); only with a store to
      // remove their files from, so a record never says PRUNED for files still kept.
      const removed = deps.store
        ? await tx
            .update(control.clientBackups)
            .set({ status: 'PRUNED', prunedAt: at })
            .where(
              and(eq(control.clientBackups.tenantId, row.id), eq(control.clientBackups.status, 'COMPLETE')),
            )
            .returning({ id: control.clientBackups.id, location: control.clientBackups.location })
        : [];
      await recordAuditEvent(tx, actor, {
        action: 'tenant.sandbox_deleted',
        entityType: 'Tenant',
        entityId: row.id,
        tenantId: row.id,
        firmId: row.firmId,
        before: { slug: row.slug, name: row.name, status: row.status, sandbox: true },
        after: {
          status: 'DELETED',
          databaseDropped: row.databaseName,
          backupsDeleted: removed.length,
          restoreRequestsWithdrawn: withdrawn.map((w) => w.id),
        },
        reason,
      });
      return { deletedAt: at, backups: removed };
    });
    // Files only after the records committed (as retention does).
    for (const b of backups) await deps.store?.remove(b.location);
    return { tenantId: row.id, slug: row.slug, deletedAt, backupsDeleted: backups.length };
  });
}

/**
 * Archive a client (a live one: a sandbox is deleted instead, though it may be archived too): its
 * books read-only — the database refuses writes, TENANT_READ_ONLY, the mechanism moves and restores
 * in place use —, hidden from the firm's views unless asked for, its backups kept by its retention.
 * `tenant.archived` in the firm's trail. Archiving an archived client answers it as it is and records
 * nothing; its database is made read-only again all the same, so a retry after a failure heals.
 */
export async function archiveClient(
  deps: ClientLifecycleDeps,
  who: ClientManager,
  slug: string,
  rawReason: string,
): Promise<TenantRow> {
  return setArchived(deps, who, slug, requireReason(rawReason), true);
}

/** Make an archived client's books writable and show it again; `tenant.unarchived` in the firm's trail. */
export async function unarchiveClient(
  deps: ClientLifecycleDeps,
  who: ClientManager,
  slug: string,
  rawReason: string,
): Promise<TenantRow> {
  return setArchived(deps, who, slug, requireReason(rawReason), false);
}

async function setArchived(
  deps: ClientLifecycleDeps,
  who: ClientManager,
  slug: string,
  reason: string,
  archived: boolean,
): Promise<TenantRow> {
  const tenant = await managedClient(deps.control, who, { slug });
  // The swap lock: a move or restore in place of this client finishes first, and its database is
  // the one made read-only (or writable).
  return asClientSwapper(deps.control, tenant.id, async (db) => {
    const row = await current(db, tenant.id);
    if (row?.status !== 'ACTIVE') throw gone(slug);
    // The database first: a failure after it leaves the flag as it was, and a retry sets both.
    await setDatabaseReadOnly(await adminUrlOf(db, deps.secrets, row.serverId), row.databaseName, archived);
    const actor = { ...who.actor, reason };
    return inTransaction(db, actor, async (tx) => {
      const [changed] = await tx
        .update(control.tenants)
        .set({ archivedAt: archived ? new Date() : null })
        .where(
          and(
            eq(control.tenants.id, row.id),
            archived ? isNull(control.tenants.archivedAt) : isNotNull(control.tenants.archivedAt),
          ),
        )
        .returning();
      if (!changed) return row;
      await recordAuditEvent(tx, actor, {
        action: archived ? 'tenant.archived' : 'tenant.unarchived',
        entityType: 'Tenant',
        entityId: row.id,
        tenantId: row.id,
        firmId: row.firmId,
        before: { slug: row.slug, archivedAt: row.archivedAt?.toISOString() ?? null },
        after: { archivedAt: changed.archivedAt?.toISOString() ?? null, readOnly: archived },
        reason,
      });
      return changed;
    });
  });
}
