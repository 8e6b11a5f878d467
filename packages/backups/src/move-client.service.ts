import {
  type Actor,
  announceLocationChange,
  control,
  createDatabase,
  dropClientLogins,
  dropDatabase,
  ensureAppRole,
  ensureClientLogins,
  inTransaction,
  opaqueDatabaseName,
  recordAuditEvent,
  resolveSecrets,
  setDatabaseReadOnly,
  TENANT_DB_SECRET,
  withDatabase,
} from '@cifra/db';
import { badInput, DomainError } from '@cifra/domain';
import { and, eq } from 'drizzle-orm';
import { backupClient } from './backup-client.service.ts';
import { asClientSwapper } from './backup-owner.ts';
import { pickServer } from './restore-client.service.ts';
import { DEFAULT_KEEP_REPLACED_DAYS, type RestoreInPlaceDeps } from './restore-in-place.service.ts';
import { findBackup, type OpenedBackup, openBackup, restoreInto } from './restore-load.ts';

export interface MovedClient {
  tenantId: string;
  backupId: string;
  from: { server: string; database: string };
  to: { server: string; database: string };
  keepUntil: Date;
}

/**
 * Move a client's books to another registered server (docs/architecture/backups.md, "Moving a
 * client"): its database made read-only (writes refused TENANT_READ_ONLY) with every session on it
 * ended, a backup taken, restored onto the target server and verified as a restore is, then the
 * directory switched to the copy. The old database stays read-only (a process still holding the old
 * location has its writes refused) and is kept `keepReplacedDays`, recorded as a replaced database
 * (a RESTORED row of `restore_in_place_requests`) so the hourly sweep drops it with its logins. A
 * failed backup, copy or verification drops the copy and leaves the client where it was, writable.
 */
export async function moveClient(
  deps: RestoreInPlaceDeps,
  actor: Actor,
  slug: string,
  serverName: string,
): Promise<MovedClient> {
  const [found] = await deps.control
    .select({ id: control.tenants.id })
    .from(control.tenants)
    .where(eq(control.tenants.slug, slug));
  if (!found) throw new DomainError('NOT_FOUND', `No client ${slug}`, { tenant: slug });
  // One move or restore in place of a client at a time: a second waits, then finds the client where
  // the first left it. The move's own backup and records go through the swap lock's session.
  return asClientSwapper(deps.control, found.id, (db) =>
    moveLocked({ ...deps, control: db }, actor, slug, serverName),
  );
}

async function moveLocked(
  deps: RestoreInPlaceDeps,
  actor: Actor,
  slug: string,
  serverName: string,
): Promise<MovedClient> {
  const { tenant, source, target } = await whatMoves(deps, slug, serverName);
  const appSecret = deps.secrets[TENANT_DB_SECRET];
  if (!appSecret) throw new Error(`moving a client needs ${TENANT_DB_SECRET} in the services' secrets`);

  const sourceUrl = resolveSecrets(source.adminUrl, deps.secrets);
  const targetUrl = resolveSecrets(target.adminUrl, deps.secrets);
  const move: Move = {
    tenant,
    source,
    target,
    from: { server: source.name, database: tenant.databaseName },
    to: { server: target.name, database: opaqueDatabaseName() },
  };
  const audit = (action: string, after: Record<string, unknown>) =>
    inTransaction(deps.control, actor, (tx) =>
      recordAuditEvent(tx, actor, { ...moveEvent(move, action), after }),
    );

  await readOnly(sourceUrl, move.from.database);
  await audit('tenant.read_only', { why: 'move to another server', to: target.name });
  let copied = false;
  try {
    // A backup of the client already running (the schedule's) is waited for, not refused.
    const backup = await backupClient(deps, actor, tenant.id, { waitForRunning: true });
    const record = await findBackup(deps.control, tenant.firmId, backup.id);
    const opened = await openBackup(deps.keys, deps.store, record);
    await ensureAppRole(targetUrl);
    copied = true;
    await copyInto(deps, targetUrl, move.to.database, opened, appSecret, tenant.archivedAt !== null);
    const keepUntil = new Date(
      Date.now() + (deps.keepReplacedDays ?? DEFAULT_KEEP_REPLACED_DAYS) * 86_400_000,
    );
    await switchDirectory(
      deps,
      actor,
      move,
      { id: backup.id, auditChainHead: opened.body.auditChainHead },
      keepUntil,
    );
    return { tenantId: tenant.id, backupId: backup.id, from: move.from, to: move.to, keepUntil };
  } catch (err) {
    if (copied) {
      await dropDatabase(targetUrl, move.to.database).catch(() => undefined);
      await dropClientLogins(targetUrl, move.to.database).catch(() => undefined);
    }
    // Writable again only if the directory still names the old database (a concurrent move that
    // won needs it read-only).
    const [still] = await deps.control
      .select({ id: control.tenants.id })
      .from(control.tenants)
      .where(and(eq(control.tenants.id, tenant.id), eq(control.tenants.databaseName, move.from.database)));
    // Every session opened meanwhile started read-only and would stay so: ended with the reset.
    if (still && tenant.archivedAt === null) await setDatabaseReadOnly(sourceUrl, move.from.database, false);
    await audit('tenant.move_failed', {
      to: target.name,
      code: err instanceof DomainError ? err.code : 'INTERNAL_SERVER_ERROR',
      error: (err instanceof Error ? err.message : String(err)).slice(0, 1000),
    });
    throw err;
  }
}

type Move = Awaited<ReturnType<typeof whatMoves>> & {
  from: { server: string; database: string };
  to: { server: string; database: string };
};

/** The client, active, its server and the target server, another registered one. */
async function whatMoves(deps: RestoreInPlaceDeps, slug: string, serverName: string) {
  const [row] = await deps.control
    .select({ tenant: control.tenants, server: control.dbServers })
    .from(control.tenants)
    .innerJoin(control.dbServers, eq(control.dbServers.id, control.tenants.serverId))
    .where(eq(control.tenants.slug, slug));
  if (!row) throw new DomainError('NOT_FOUND', `No client ${slug}`, { tenant: slug });
  const { tenant, server: source } = row;
  if (tenant.status !== 'ACTIVE')
    throw new DomainError('TENANT_UNAVAILABLE', `${slug} is ${tenant.status}: only an active client moves`, {
      slug,
    });
  const target = await pickServer(deps.control, serverName);
  if (target.id === source.id)
    throw badInput(`server: ${slug} is already on ${target.name}`, { field: 'server' });
  return { tenant, source, target };
}

/** A move's event about its client, from where it was. */
const moveEvent = (move: Move, action: string) => ({
  action,
  entityType: 'Tenant',
  entityId: move.tenant.id,
  tenantId: move.tenant.id,
  firmId: move.tenant.firmId,
  before: move.from,
});

/** The backup restored as a new database on the target server, verified, with its logins. */
async function copyInto(
  deps: RestoreInPlaceDeps,
  targetUrl: string,
  name: string,
  opened: OpenedBackup,
  appSecret: string,
  archived: boolean,
): Promise<void> {
  await createDatabase(targetUrl, name);
  await restoreInto(withDatabase(targetUrl, name), opened);
  await ensureClientLogins(targetUrl, name, appSecret, deps.secrets);
  // An archived client's books are read-only wherever they live (archiveClient waits for moves).
  if (archived) await setDatabaseReadOnly(targetUrl, name, true);
}

/**
 * The directory switched to the copy (only from where the client was: a move or restore that
 * changed it meanwhile wins), announced, the backup marked verified, the old database recorded as
 * replaced until `keepUntil`, and the move's event.
 */
function switchDirectory(
  deps: RestoreInPlaceDeps,
  actor: Actor,
  { tenant, source, target, from, to }: Move,
  backup: { id: string; auditChainHead: unknown },
  keepUntil: Date,
): Promise<void> {
  return inTransaction(deps.control, actor, async (tx) => {
    const [switched] = await tx
      .update(control.tenants)
      .set({ serverId: target.id, databaseName: to.database })
      .where(
        and(
          eq(control.tenants.id, tenant.id),
          eq(control.tenants.serverId, source.id),
          eq(control.tenants.databaseName, from.database),
        ),
      )
      .returning();
    if (!switched)
      throw new DomainError('CONFLICT', `${tenant.slug} moved meanwhile: this copy is discarded`, {
        slug: tenant.slug,
      });
    // Delivered at commit: every process's registry forgets the old location now, not at its TTL.
    await announceLocationChange(tx, tenant.id);
    await tx
      .update(control.clientBackups)
      .set({ verifiedAt: new Date() })
      .where(eq(control.clientBackups.id, backup.id));
    const now = new Date();
    await tx.insert(control.restoreInPlaceRequests).values({
      firmId: tenant.firmId,
      tenantId: tenant.id,
      tenantSlug: tenant.slug,
      backupId: backup.id,
      reason: `moved from server ${source.name} to ${target.name}`,
      requestedBy: actor.email ?? 'operator',
      approvedBy: actor.email ?? 'operator',
      approvedAt: now,
      status: 'RESTORED',
      readOnlyAt: now,
      finishedAt: now,
      replacedDatabaseName: from.database,
      keepUntil,
    });
    await recordAuditEvent(tx, actor, {
      ...moveEvent({ tenant, source, target, from, to }, 'tenant.moved'),
      after: { ...to, backupId: backup.id, auditChainHead: backup.auditChainHead, oldKeptUntil: keepUntil },
    });
  });
}

/**
 * New sessions on the database refuse writes; every session opened before is ended and waited for,
 * so no transaction begun writable can commit after the backup's snapshot.
 */
const readOnly = (adminUrl: string, database: string) => setDatabaseReadOnly(adminUrl, database, true);
