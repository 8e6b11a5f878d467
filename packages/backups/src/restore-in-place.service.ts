import {
  type Actor,
  announceClientChanges,
  announceLocationChange,
  appLoginRole,
  CHECKPOINT_SECRET,
  type ChainHead,
  type ControlDb,
  chainHead,
  clientLoginRole,
  control,
  createDatabase,
  databaseExists,
  dropClientLogins,
  dropDatabase,
  ensureClientLogins,
  inTransaction,
  opaqueDatabaseName,
  quoteIdent,
  recordAuditEvent,
  recordCheckpoint,
  renameDatabase,
  resolveSecrets,
  setDatabaseReadOnly,
  TENANT_DB_SECRET,
  tenantDb,
  withClient,
  withDatabase,
} from '@cifra/db';
import { DomainError, requireReason } from '@cifra/domain';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import { asClientSwapper } from './backup-owner.ts';
import type { RestoreDeps } from './restore-client.service.ts';
import { findBackup, openBackup, restoreInto } from './restore-load.ts';
import { expiryCutoff, notPending, refuseUnlessPending, restoreInPlaceRequest } from './restore-requests.ts';

/**
 * Restore over a live client (docs/architecture/backups.md, "Restore in place"): one person asks
 * with a reason, another approves; the backup is checked whole and restored into a new database
 * beside the live one and verified there, and only then are the live books made read-only, the live
 * database renamed away (kept for `keepReplacedDays`) and the restored one renamed into its place.
 * The client's directory entry, logins and pools never change: they name the same database.
 */
export interface RestoreInPlaceDeps extends RestoreDeps {
  /** Days the replaced database is kept before the sweep drops it (7 by default). */
  keepReplacedDays?: number;
  /** Hours a request waits for its approval before it expires (RESTORE_REQUEST_EXPIRES_HOURS, 72). */
  requestExpiresHours?: number;
}

export const DEFAULT_KEEP_REPLACED_DAYS = 7;
type Row = control.RestoreInPlaceRow;

export async function requestRestoreInPlace(
  db: ControlDb,
  actor: Actor,
  firmId: string,
  backupId: string,
  reason: string,
): Promise<Row> {
  const why = requireReason(reason);
  const backup = await findBackup(db, firmId, backupId);
  if (backup.status !== 'COMPLETE')
    throw new DomainError(
      'BACKUP_INCOMPLETE',
      `Backup ${backupId} is ${backup.status}: it cannot be restored`,
      {
        backupId,
      },
    );
  const [tenant] = await db.select().from(control.tenants).where(eq(control.tenants.id, backup.tenantId));
  if (tenant?.status !== 'ACTIVE')
    throw new DomainError('NOT_FOUND', 'The client of that backup is not an active client', { backupId });
  return inTransaction(db, actor, async (tx) => {
    const [row] = await tx
      .insert(control.restoreInPlaceRequests)
      .values({
        firmId,
        tenantId: tenant.id,
        tenantSlug: tenant.slug,
        backupId,
        reason: why,
        requestedByUser: actor.userId,
        requestedBy: actor.email ?? 'unknown',
      })
      .returning();
    await recordAuditEvent(tx, actor, {
      action: 'tenant.restore_in_place_requested',
      entityType: 'Tenant',
      entityId: tenant.id,
      tenantId: tenant.id,
      after: { requestId: row!.id, backupId, takenAt: backup.startedAt },
      reason: why,
    });
    return row!;
  });
}

/**
 * Approve and carry out a pending request: SAME_PERSON for its requester; RESTORE_REQUEST_NOT_PENDING
 * for a request approved, withdrawn or finished (also when another approval or a withdrawal took it
 * first); RESTORE_REQUEST_EXPIRED for one that waited past `requestExpiresHours` (marked EXPIRED
 * then, in the trail); the backup refused as a restore refuses it (BACKUP_TAMPERED, BACKUP_INCOMPLETE, BACKUP_KEY_UNKNOWN, …) or a restore that
 * does not verify leaves the live client untouched and the request FAILED.
 */
export async function approveRestoreInPlace(
  deps: RestoreInPlaceDeps,
  actor: Actor,
  firmId: string,
  requestId: string,
): Promise<Row> {
  const request = await restoreInPlaceRequest(deps.control, firmId, requestId);
  if (
    (request.requestedByUser !== null && request.requestedByUser === actor.userId) ||
    request.requestedBy === actor.email
  )
    throw new DomainError('SAME_PERSON', 'Someone other than the requester approves a restore in place', {
      requestId: request.id,
    });
  // Not PENDING, or PENDING past its expiry (then marked EXPIRED): refused with a stable code.
  const now = new Date();
  await refuseUnlessPending(deps.control, actor, request, deps.requestExpiresHours, now);
  const appSecret = deps.secrets[TENANT_DB_SECRET];
  if (!appSecret) throw new Error(`restoring needs ${TENANT_DB_SECRET} in the services' secrets`);
  const checkpointSecret = deps.secrets[CHECKPOINT_SECRET];
  if (!checkpointSecret)
    throw new Error(`restoring in place needs ${CHECKPOINT_SECRET} in the services' secrets`);
  // Claimed once: a second approver, or a second request of the same client, loses here.
  const [claimed] = await deps.control
    .update(control.restoreInPlaceRequests)
    .set({
      status: 'RESTORING',
      approvedByUser: actor.userId,
      approvedBy: actor.email,
      approvedAt: new Date(),
    })
    .where(
      and(
        eq(control.restoreInPlaceRequests.id, request.id),
        eq(control.restoreInPlaceRequests.status, 'PENDING'),
        // Not past its expiry, as the database sees the request.
        gt(control.restoreInPlaceRequests.requestedAt, expiryCutoff(now, deps.requestExpiresHours)),
      ),
    )
    .returning();
  if (!claimed) {
    // Approved, withdrawn or expired meanwhile (a second approval, a withdrawal racing this one).
    const current = await restoreInPlaceRequest(deps.control, firmId, request.id);
    await refuseUnlessPending(deps.control, actor, current, deps.requestExpiresHours, now);
    throw notPending(current);
  }
  try {
    const { replaced, head } = await asClientSwapper(deps.control, claimed.tenantId, (db) =>
      restoreAndSwap({ ...deps, control: db }, actor, claimed, appSecret),
    );
    // The head the restore rewound the chain to, checkpointed as a restore's: the checkpoints of
    // the history it discarded (past that head) are set aside by verifyBooks instead of reading as
    // a rewrite for ever (docs/architecture/audit.md). Read before the swap, written after it.
    await recordCheckpoint(
      deps.control,
      claimed.tenantId,
      checkpointSecret,
      `restored in place (${claimed.id})`,
      'RESTORED',
      head,
    );
    return await finish(deps.control, actor, claimed, { replaced, keepDays: deps.keepReplacedDays });
  } catch (err) {
    await finish(deps.control, actor, claimed, { err });
    throw err;
  }
}

async function restoreAndSwap(deps: RestoreInPlaceDeps, actor: Actor, req: Row, appSecret: string) {
  const [live] = await deps.control
    .select({ tenant: control.tenants, server: control.dbServers })
    .from(control.tenants)
    .innerJoin(control.dbServers, eq(control.dbServers.id, control.tenants.serverId))
    .where(eq(control.tenants.id, req.tenantId));
  if (live?.tenant.status !== 'ACTIVE')
    throw new DomainError('NOT_FOUND', 'The client is no longer active', { requestId: req.id });
  const record = await findBackup(deps.control, req.firmId, req.backupId);
  const opened = await openBackup(deps.keys, deps.store, record);
  const adminUrl = resolveSecrets(live.server.adminUrl, deps.secrets);
  const liveName = live.tenant.databaseName;
  const restored = opaqueDatabaseName();
  const replaced = opaqueDatabaseName();
  let head: ChainHead;
  try {
    await createDatabase(adminUrl, restored);
    await restoreInto(withDatabase(adminUrl, restored), opened);
    head = await withClient(withDatabase(adminUrl, restored), (c) => chainHead(tenantDb(c)));
  } catch (err) {
    await dropDatabase(adminUrl, restored).catch(() => undefined);
    throw err;
  }
  // The client's logins may connect to the restored database before it takes the live one's name,
  // so no request meets a database its login may not enter.
  await grantLoginsOn(adminUrl, restored, liveName, 'GRANT');
  // The swap: the live books read-only (new sessions refuse writes: TENANT_READ_ONLY), every
  // session on them ended (waiting for each to be gone), the live database renamed away and the
  // restored one renamed into its place.
  await admin(adminUrl, `ALTER DATABASE ${quoteIdent(liveName)} SET default_transaction_read_only = on`);
  await admin(
    adminUrl,
    'SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [liveName],
  );
  await inTransaction(deps.control, actor, async (tx) => {
    await tx
      .update(control.restoreInPlaceRequests)
      .set({ readOnlyAt: new Date() })
      .where(eq(control.restoreInPlaceRequests.id, req.id));
    await recordAuditEvent(tx, actor, {
      action: 'tenant.read_only',
      entityType: 'Tenant',
      entityId: req.tenantId,
      tenantId: req.tenantId,
      after: { requestId: req.id, why: 'restore in place' },
    });
  });
  // An archived client's books stay read-only whatever happens (archiveClient waits for this swap).
  const archived = live.tenant.archivedAt !== null;
  // Writable again, every session opened meanwhile (read-only from its start) ended with it.
  const writable = async () => {
    if (!archived) await setDatabaseReadOnly(adminUrl, liveName, false);
  };
  try {
    await renameDatabase(adminUrl, liveName, replaced);
  } catch (err) {
    await writable().catch(() => undefined);
    await dropDatabase(adminUrl, restored).catch(() => undefined);
    throw err;
  }
  try {
    // Nobody uses the restored database yet: its setting applies to every session it will have.
    if (archived) await setDatabaseReadOnly(adminUrl, restored, true);
    await renameDatabase(adminUrl, restored, liveName);
  } catch (err) {
    // Put the live books back as they were.
    await renameDatabase(adminUrl, replaced, liveName);
    await writable();
    await dropDatabase(adminUrl, restored).catch(() => undefined);
    throw err;
  }
  // The client's logins connect to its database by name: grant them the restored one; the
  // replaced one keeps its grants by identity, so take them away (it stays read-only, for the operator).
  await ensureClientLogins(adminUrl, liveName, appSecret, deps.secrets);
  await grantLoginsOn(adminUrl, replaced, liveName, 'REVOKE');
  return { replaced, head };
}

const admin = (adminUrl: string, text: string, values: unknown[] = []) =>
  withClient(withDatabase(adminUrl, 'postgres'), (c) => c.query(text, values));

/**
 * Grant the client's logins (named after its database's name) CONNECT on `database`, or take it
 * away: the restored database gets it before it is renamed into place; the replaced one keeps its
 * grants by identity through the rename, so they are taken away.
 */
async function grantLoginsOn(adminUrl: string, database: string, liveName: string, how: 'GRANT' | 'REVOKE') {
  await withClient(withDatabase(adminUrl, 'postgres'), async (c) => {
    for (const role of [appLoginRole(liveName), clientLoginRole('ix', liveName)]) {
      const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (!exists.rowCount) continue;
      await c.query(
        `${how} CONNECT ON DATABASE ${quoteIdent(database)} ${how === 'GRANT' ? 'TO' : 'FROM'} ${quoteIdent(role)}`,
      );
    }
  });
}

async function finish(
  db: ControlDb,
  actor: Actor,
  req: Row,
  outcome: { replaced: string; keepDays?: number | undefined } | { err: unknown },
): Promise<Row> {
  return inTransaction(db, actor, async (tx) => {
    const now = new Date();
    const done =
      'replaced' in outcome
        ? {
            status: 'RESTORED' as const,
            replacedDatabaseName: outcome.replaced,
            keepUntil: new Date(
              now.getTime() + (outcome.keepDays ?? DEFAULT_KEEP_REPLACED_DAYS) * 86_400_000,
            ),
          }
        : {
            status: 'FAILED' as const,
            failureCode: outcome.err instanceof DomainError ? outcome.err.code : 'INTERNAL_SERVER_ERROR',
            error: (outcome.err instanceof Error ? outcome.err.message : String(outcome.err)).slice(0, 1000),
          };
    const [row] = await tx
      .update(control.restoreInPlaceRequests)
      .set({ ...done, finishedAt: now })
      .where(eq(control.restoreInPlaceRequests.id, req.id))
      .returning();
    if (done.status === 'RESTORED') {
      await tx
        .update(control.clientBackups)
        .set({ verifiedAt: now })
        .where(eq(control.clientBackups.id, req.backupId));
      // Same name, new books: every process drops its pool (connections to the replaced database),
      // and the close board's summary, read from the replaced books, is behind until read again.
      await announceLocationChange(tx, req.tenantId);
      await announceClientChanges(tx, [req.tenantId]);
    }
    await recordAuditEvent(tx, actor, {
      action: done.status === 'RESTORED' ? 'tenant.restored_in_place' : 'tenant.restore_in_place_failed',
      entityType: 'Tenant',
      entityId: req.tenantId,
      tenantId: req.tenantId,
      after: { requestId: req.id, backupId: req.backupId, ...done },
      reason: req.reason,
    });
    return row!;
  });
}

/** Drop the databases restores in place replaced, once kept their days (the worker, hourly). */
export async function dropReplacedDatabases(
  deps: Pick<RestoreDeps, 'control' | 'secrets'>,
  now: Date = new Date(),
  actor: Actor = { userId: null, email: null, reason: 'replaced database kept its days' },
): Promise<string[]> {
  const due = await deps.control
    .select({ req: control.restoreInPlaceRequests, adminUrl: control.dbServers.adminUrl })
    .from(control.restoreInPlaceRequests)
    .innerJoin(control.tenants, eq(control.tenants.id, control.restoreInPlaceRequests.tenantId))
    .innerJoin(control.dbServers, eq(control.dbServers.id, control.tenants.serverId))
    .where(
      and(
        eq(control.restoreInPlaceRequests.status, 'RESTORED'),
        isNull(control.restoreInPlaceRequests.droppedAt),
        lt(control.restoreInPlaceRequests.keepUntil, now),
      ),
    );
  const dropped: string[] = [];
  const servers = due.length ? await deps.control.select().from(control.dbServers) : [];
  for (const { req, adminUrl } of due) {
    if (!req.replacedDatabaseName) continue;
    // A restore in place keeps the replaced database on the client's server; a move keeps the old
    // one on the server it left (and its logins, named after it, go with it).
    const urls = [adminUrl, ...servers.map((s) => s.adminUrl).filter((u) => u !== adminUrl)];
    for (const url of urls.map((u) => resolveSecrets(u, deps.secrets))) {
      if (!(await databaseExists(url, req.replacedDatabaseName))) continue;
      await dropDatabase(url, req.replacedDatabaseName);
      await dropClientLogins(url, req.replacedDatabaseName);
      break;
    }
    await inTransaction(deps.control, actor, async (tx) => {
      await tx
        .update(control.restoreInPlaceRequests)
        .set({ droppedAt: new Date() })
        .where(eq(control.restoreInPlaceRequests.id, req.id));
      await recordAuditEvent(tx, actor, {
        action: 'tenant.replaced_database_dropped',
        entityType: 'Tenant',
        entityId: req.tenantId,
        tenantId: req.tenantId,
        after: { requestId: req.id, database: req.replacedDatabaseName, keptUntil: req.keepUntil },
      });
    });
    dropped.push(req.id);
  }
  return dropped;
}
