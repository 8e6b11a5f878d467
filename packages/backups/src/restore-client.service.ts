import {
  type Actor,
  announceClientChanges,
  type ControlDb,
  control,
  createDatabase,
  discardClaim,
  ensureClientLogins,
  inTransaction,
  opaqueDatabaseName,
  recordAuditEvent,
  resolveSecrets,
  TENANT_DB_SECRET,
  type TenantRow,
  type TxOf,
  whileProvisioning,
  withDatabase,
} from '@cifra/db';
import { badInput, DomainError, tenantExists } from '@cifra/domain';
import { and, asc, count, eq } from 'drizzle-orm';
import type { BackupKeyring } from './backup-keys.ts';
import type { BackupStore } from './backup-store.ts';
import { findBackup, type OpenedBackup, openBackup, restoreInto } from './restore-load.ts';

export interface RestoreDeps {
  control: ControlDb;
  secrets: Readonly<Record<string, string | undefined>>;
  keys: BackupKeyring;
  store: BackupStore;
}

export interface RestoreOptions {
  /** The registered server to restore onto (its name); the one holding the fewest clients otherwise. */
  serverName?: string;
}

const SLUG = /^[a-z0-9][a-z0-9-]{1,39}$/;

export async function pickServer(db: ControlDb, name: string | undefined) {
  const servers = await db
    .select({ id: control.dbServers.id, name: control.dbServers.name, adminUrl: control.dbServers.adminUrl })
    .from(control.dbServers)
    .leftJoin(control.tenants, eq(control.tenants.serverId, control.dbServers.id))
    .where(name ? eq(control.dbServers.name, name) : eq(control.dbServers.acceptsNewTenants, true))
    .groupBy(control.dbServers.id)
    .orderBy(asc(count(control.tenants.id)), asc(control.dbServers.name))
    .limit(1);
  const server = servers[0];
  if (!server)
    throw name
      ? badInput(`server: no registered server ${name}`, { field: 'server' })
      : new DomainError('TENANT_UNAVAILABLE', 'No database server accepts new clients');
  return server;
}

/**
 * Restore a backup as a new client `asSlug` (docs/architecture/backups.md): the backup is checked
 * whole first (a refusal creates nothing); then a directory entry and a database with the
 * client's own logins are made, the database is migrated to the backup's schema version, loaded,
 * migrated to the current version and verified against the manifest (audit chain and its head,
 * trial balance digest, row counts). Only a verified restore is ACTIVE, and it marks the backup
 * verified; any failure removes the database, the logins and the directory entry.
 */
export async function restoreClient(
  deps: RestoreDeps,
  actor: Actor,
  firmId: string,
  backupId: string,
  asSlug: string,
  options: RestoreOptions = {},
): Promise<TenantRow> {
  if (!SLUG.test(asSlug))
    throw badInput('asSlug: lower-case letters, digits and dashes, 2 to 40 characters', { field: 'asSlug' });
  const appSecret = deps.secrets[TENANT_DB_SECRET];
  if (!appSecret) throw new Error(`restoring needs ${TENANT_DB_SECRET} in the services' secrets`);
  const record = await findBackup(deps.control, firmId, backupId);
  const opened = await openBackup(deps.keys, deps.store, record);
  // A sandbox's books restore as a sandbox: a restore never turns trial data into a live client.
  const [source] = await deps.control
    .select({ sandbox: control.tenants.sandbox })
    .from(control.tenants)
    .where(eq(control.tenants.id, record.tenantId));
  const sandbox = source?.sandbox ?? false;
  const server = await pickServer(deps.control, options.serverName);
  // Everything the restore records goes through the provisioning lock's session (`onOwnSession`).
  return whileProvisioning(
    deps.control,
    asSlug,
    (db) =>
      restoreLocked({ ...deps, control: db }, actor, firmId, {
        ...opened,
        backupId,
        asSlug,
        server,
        appSecret,
        sandbox,
        sourceTenantId: record.tenantId,
      }),
    () => {
      throw tenantExists(asSlug, 'is being made right now');
    },
  );
}

/** What a restore of one backup as one new client needs. */
interface Restore extends OpenedBackup {
  backupId: string;
  asSlug: string;
  server: { id: string; name: string; adminUrl: string };
  appSecret: string;
  sandbox: boolean;
  /** The client the backup was taken of: its walls are the copy's. */
  sourceTenantId: string;
}

/** Under the slug's provisioning lock, so that no provisioning takes the half-made client for debris. */
async function restoreLocked(
  deps: RestoreDeps,
  actor: Actor,
  firmId: string,
  r: Restore,
): Promise<TenantRow> {
  const [taken] = await deps.control.select().from(control.tenants).where(eq(control.tenants.slug, r.asSlug));
  if (taken && taken.status !== 'PROVISIONING') throw tenantExists(r.asSlug);
  // Under the slug's provisioning lock, a PROVISIONING claim is no live attempt's: the leftover of
  // one that crashed or could not discard it, removed as provisioning removes it.
  if (taken)
    await discardClaim(deps.control, deps.secrets, actor, taken, {
      action: 'tenant.restore_failed',
      why: 'leftover of an interrupted provisioning or restore',
    });
  const claimed = await claim(deps, actor, firmId, r);
  const adminUrl = resolveSecrets(r.server.adminUrl, deps.secrets);
  try {
    await createDatabase(adminUrl, claimed.databaseName);
    await restoreInto(withDatabase(adminUrl, claimed.databaseName), r);
    await ensureClientLogins(adminUrl, claimed.databaseName, r.appSecret, deps.secrets);
    return await activate(deps, actor, claimed, r);
  } catch (err) {
    // The failure answers for itself: a discard that fails too leaves a PROVISIONING claim whose
    // lock is free, which the next restore or provisioning of the slug removes.
    const why = err instanceof Error ? err.message : String(err);
    await discardClaim(deps.control, deps.secrets, actor, claimed, {
      action: 'tenant.restore_failed',
      why,
    }).catch(() => undefined);
    throw err;
  }
}

/** The client's row, PROVISIONING, as the backup describes it, its settings and the event. */
function claim(deps: RestoreDeps, actor: Actor, firmId: string, r: Restore): Promise<TenantRow> {
  const { body, server, asSlug, sandbox } = r;
  const databaseName = opaqueDatabaseName();
  return inTransaction(deps.control, actor, async (tx) => {
    const [row] = await tx
      .insert(control.tenants)
      .values({
        firmId,
        slug: asSlug,
        name: body.client.name,
        region: body.client.region,
        baseCurrency: body.client.baseCurrency,
        timezone: body.client.timezone,
        serverId: server.id,
        databaseName,
        sandbox,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw tenantExists(asSlug);
    if (body.client.settingOverrides.length)
      await tx
        .insert(control.tenantSettingOverrides)
        .values(body.client.settingOverrides.map((o) => ({ tenantId: row.id, key: o.key, value: o.value })));
    const walls = await keepWalls(tx, r.sourceTenantId, row.id);
    await recordAuditEvent(tx, actor, {
      action: 'tenant.restore_started',
      entityType: 'Tenant',
      entityId: row.id,
      tenantId: row.id,
      after: {
        slug: asSlug,
        backupId: r.backupId,
        from: body.client.slug,
        server: server.name,
        database: databaseName,
        sandbox,
        wallsKept: walls,
      },
    });
    return row;
  });
}

/**
 * Whoever is walled off the backed-up client (NO_ACCESS) is walled off the copy: the wall is on the
 * books, and a restore as a new client would otherwise hand them over to a firm-wide role. Other
 * roles are not copied: access to the new client is given afresh. Returns how many walls were kept.
 */
async function keepWalls(tx: TxOf<ControlDb>, sourceTenantId: string, copyId: string): Promise<number> {
  const walls = await tx
    .select({ userId: control.tenantRoleAssignments.userId })
    .from(control.tenantRoleAssignments)
    .where(
      and(
        eq(control.tenantRoleAssignments.tenantId, sourceTenantId),
        eq(control.tenantRoleAssignments.role, 'NoAccess'),
      ),
    );
  if (walls.length)
    await tx
      .insert(control.tenantRoleAssignments)
      .values(walls.map((w) => ({ tenantId: copyId, userId: w.userId, role: 'NoAccess' as const })));
  return walls.length;
}

/** The verified restore made ACTIVE, its backup marked verified, the event, the board told. */
function activate(deps: RestoreDeps, actor: Actor, claimed: TenantRow, r: Restore): Promise<TenantRow> {
  const { body, backupId, asSlug } = r;
  return inTransaction(deps.control, actor, async (tx) => {
    const [active] = await tx
      .update(control.tenants)
      .set({ status: 'ACTIVE' })
      .where(eq(control.tenants.id, claimed.id))
      .returning();
    if (!active) throw new Error(`the claim of ${asSlug} disappeared during the restore`);
    await tx
      .update(control.clientBackups)
      .set({ verifiedAt: new Date() })
      .where(eq(control.clientBackups.id, backupId));
    await recordAuditEvent(tx, actor, {
      action: 'tenant.restored',
      entityType: 'Tenant',
      entityId: claimed.id,
      tenantId: claimed.id,
      after: {
        slug: asSlug,
        backupId,
        from: body.client.slug,
        takenAt: body.takenAt,
        auditChainHead: body.auditChainHead,
        status: 'ACTIVE',
      },
    });
    // Into the close board's read model with its books, as a provisioned client.
    await announceClientChanges(tx, [claimed.id]);
    return active;
  });
}

/** The firm a backup belongs to, for operator commands that name only the backup. */
export async function firmOfBackup(db: ControlDb, backupId: string): Promise<string> {
  if (!/^[0-9a-f-]{36}$/i.test(backupId))
    throw new DomainError('BACKUP_NOT_FOUND', 'No such backup', { backupId });
  const [row] = await db
    .select({ firmId: control.clientBackups.firmId })
    .from(control.clientBackups)
    .where(eq(control.clientBackups.id, backupId));
  if (!row) throw new DomainError('BACKUP_NOT_FOUND', 'No such backup', { backupId });
  return row.firmId;
}
