import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import {
  type Actor,
  type ControlDb,
  control,
  createDatabase,
  dropClientLogins,
  dropDatabase,
  ensureAppLogin,
  ensureInvestigatorLogin,
  INVESTIGATOR_SECRET,
  inTransaction,
  migrateTenantDatabase,
  migrateTenantDatabaseTo,
  opaqueDatabaseName,
  recordAuditEvent,
  resolveSecrets,
  TENANT_DB_SECRET,
  type TenantRow,
  tenantMigrationJournal,
  whileProvisioning,
  withClient,
  withDatabase,
} from '@cifra/db';
import { badInput, DomainError } from '@cifra/domain';
import { and, asc, count, eq } from 'drizzle-orm';
import { from as copyFrom } from 'pg-copy-streams';
import { type BackupKey, type BackupKeyring, derivedKey } from './backup-keys.ts';
import { type ManifestBody, openManifest } from './backup-manifest.ts';
import type { BackupReader, BackupStore } from './backup-store.ts';
import { decryptChunks } from './chunk-cipher.ts';
import {
  auditChainHead,
  columnList,
  rowCount,
  setSequences,
  sqlNameOf,
  trialBalanceDigest,
  verifyAuditChain,
} from './snapshot.store.ts';

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

const incomplete = (backupId: string, why: string) =>
  new DomainError('BACKUP_INCOMPLETE', `Backup ${backupId} is incomplete: ${why}`, { backupId });

/**
 * The backup's manifest, checked, and every part checked against it, before anything is created:
 * the seal under a key the services hold, then each part's size and SHA-256. A part that is
 * missing or shorter than the manifest says is BACKUP_INCOMPLETE; any other difference
 * BACKUP_TAMPERED.
 */
export async function checkBackup(
  keys: BackupKeyring,
  reader: BackupReader,
  backupId: string,
): Promise<{ body: ManifestBody; key: BackupKey }> {
  const bytes = await reader.manifest();
  if (!bytes) throw incomplete(backupId, 'it has no sealed manifest');
  const opened = openManifest(keys, bytes, backupId);
  for (const part of opened.body.parts) {
    const stream = await reader.part(part.file);
    if (!stream) throw incomplete(backupId, `part ${part.file} is missing`);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
    if (size < part.bytes) throw incomplete(backupId, `part ${part.file} is cut short`);
    if (size !== part.bytes || hash.digest('hex') !== part.sha256)
      throw new DomainError('BACKUP_TAMPERED', `Backup part ${part.file} does not match its manifest`, {
        backupId,
        part: part.file,
      });
  }
  return opened;
}

async function findBackup(db: ControlDb, firmId: string, backupId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(backupId))
    throw new DomainError('BACKUP_NOT_FOUND', 'No such backup', { backupId });
  const [row] = await db
    .select()
    .from(control.clientBackups)
    .where(and(eq(control.clientBackups.id, backupId), eq(control.clientBackups.firmId, firmId)));
  if (!row) throw new DomainError('BACKUP_NOT_FOUND', 'No such backup', { backupId });
  if (row.status === 'RUNNING')
    throw new DomainError('BACKUP_IN_PROGRESS', `Backup ${backupId} is still being written`, { backupId });
  if (row.status === 'FAILED' || row.status === 'INTERRUPTED')
    throw incomplete(
      backupId,
      `it ${row.status === 'FAILED' ? 'failed' : 'was'}: ${row.error ?? 'unknown reason'}`,
    );
  return row;
}

async function pickServer(db: ControlDb, name: string | undefined) {
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
  const reader = deps.store.open(record.location);
  const { body, key } = await checkBackup(deps.keys, reader, backupId);
  if (body.client.id !== record.tenantId || body.keyId !== record.keyId)
    throw new DomainError(
      'BACKUP_TAMPERED',
      `Backup ${backupId} names another client or key than its record`,
      {
        backupId,
      },
    );
  const journal = await tenantMigrationJournal();
  const { applied, tag } = body.schemaVersion;
  if (applied > journal.length || journal[applied - 1]?.tag !== tag)
    throw new DomainError(
      'BACKUP_SCHEMA_NEWER',
      `Backup ${backupId} was taken at schema version ${applied} (${tag}), which this version of cifraHQ does not know`,
      { backupId },
    );
  const server = await pickServer(deps.control, options.serverName);
  return whileProvisioning(
    deps.control,
    asSlug,
    () => restoreLocked(deps, actor, firmId, { backupId, asSlug, body, key, reader, server, appSecret }),
    () => {
      throw new DomainError('TENANT_EXISTS', `A client with slug ${asSlug} is being made right now`, {
        slug: asSlug,
      });
    },
  );
}

/** Under the slug's provisioning lock, so that no provisioning takes the half-made client for debris. */
async function restoreLocked(
  deps: RestoreDeps,
  actor: Actor,
  firmId: string,
  r: {
    backupId: string;
    asSlug: string;
    body: ManifestBody;
    key: BackupKey;
    reader: BackupReader;
    server: { id: string; name: string; adminUrl: string };
    appSecret: string;
  },
): Promise<TenantRow> {
  const { backupId, asSlug, body, key, reader, server, appSecret } = r;
  const { applied } = body.schemaVersion;
  const [taken] = await deps.control
    .select({ id: control.tenants.id })
    .from(control.tenants)
    .where(eq(control.tenants.slug, asSlug));
  if (taken)
    throw new DomainError('TENANT_EXISTS', `A client with slug ${asSlug} already exists`, { slug: asSlug });

  const databaseName = opaqueDatabaseName();
  const claimed = await inTransaction(deps.control, actor, async (tx) => {
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
      })
      .onConflictDoNothing()
      .returning();
    if (!row)
      throw new DomainError('TENANT_EXISTS', `A client with slug ${asSlug} already exists`, { slug: asSlug });
    if (body.client.settingOverrides.length)
      await tx
        .insert(control.tenantSettingOverrides)
        .values(body.client.settingOverrides.map((o) => ({ tenantId: row.id, key: o.key, value: o.value })));
    await recordAuditEvent(tx, actor, {
      action: 'tenant.restore_started',
      entityType: 'Tenant',
      entityId: row.id,
      tenantId: row.id,
      after: { slug: asSlug, backupId, from: body.client.slug, server: server.name, database: databaseName },
    });
    return row;
  });

  const adminUrl = resolveSecrets(server.adminUrl, deps.secrets);
  const ownerUrl = withDatabase(adminUrl, databaseName);
  try {
    await createDatabase(adminUrl, databaseName);
    await migrateTenantDatabaseTo(ownerUrl, applied);
    await load(ownerUrl, reader, body, key);
    await migrateTenantDatabase(ownerUrl);
    await verify(ownerUrl, body);
    await ensureAppLogin(adminUrl, databaseName, appSecret);
    const investigatorSecret = deps.secrets[INVESTIGATOR_SECRET];
    if (investigatorSecret) await ensureInvestigatorLogin(adminUrl, databaseName, investigatorSecret);
    return await inTransaction(deps.control, actor, async (tx) => {
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
      return active;
    });
  } catch (err) {
    await discard(deps, actor, claimed, adminUrl, err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/**
 * Every part in one transaction, as the owner: the user triggers (append-only guards, history,
 * the audit chain's link) are off for this transaction only and back on before it commits, so
 * no session ever sees the guards down; foreign keys stay on (parents are loaded first). What the
 * migrations seeded is replaced by the backup's rows.
 */
async function load(
  ownerUrl: string,
  reader: BackupReader,
  body: ManifestBody,
  key: BackupKey,
): Promise<void> {
  await withClient(ownerUrl, async (c) => {
    await c.query('BEGIN');
    try {
      const names = body.parts.map((p) => sqlNameOf(p.table));
      for (const name of names) await c.query(`ALTER TABLE ${name} DISABLE TRIGGER USER`);
      await c.query(`TRUNCATE ${names.join(', ')}`);
      for (const part of body.parts) {
        const stream = (await reader.part(part.file)) as Readable | null;
        if (!stream) throw incomplete(body.backupId, `part ${part.file} is missing`);
        await pipeline(
          stream,
          decryptChunks(derivedKey(key, body.backupId, `part:${part.table}`), part.file),
          createGunzip(),
          c.query(copyFrom(`COPY ${sqlNameOf(part.table)} (${columnList(part.columns)}) FROM STDIN`)),
        );
      }
      for (const name of names) await c.query(`ALTER TABLE ${name} ENABLE TRIGGER USER`);
      await setSequences(c, body.sequences);
      // Row counts before later migrations may add rows (their own journal entries at least).
      for (const part of body.parts) {
        const n = await rowCount(c, sqlNameOf(part.table));
        if (n !== part.rows)
          throw verificationFailed(body.backupId, `${part.table} has ${n} rows, the manifest ${part.rows}`);
      }
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}

const verificationFailed = (backupId: string, why: string) =>
  new DomainError(
    'RESTORE_VERIFICATION_FAILED',
    `The restore of backup ${backupId} does not verify: ${why}`,
    {
      backupId,
    },
  );

async function verify(ownerUrl: string, body: ManifestBody): Promise<void> {
  await withClient(ownerUrl, async (c) => {
    const chain = await verifyAuditChain(c);
    if (chain.problem)
      throw verificationFailed(body.backupId, `the audit chain is broken (${chain.problem})`);
    const head = await auditChainHead(c);
    if (head.seq !== body.auditChainHead.seq || head.hash !== body.auditChainHead.hash)
      throw verificationFailed(body.backupId, 'the audit chain head differs from the manifest');
    if ((await trialBalanceDigest(c)) !== body.trialBalanceDigest)
      throw verificationFailed(body.backupId, 'the trial balance differs from the manifest');
  });
}

async function discard(deps: RestoreDeps, actor: Actor, row: TenantRow, adminUrl: string, why: string) {
  await dropDatabase(adminUrl, row.databaseName).catch(() => undefined);
  await dropClientLogins(adminUrl, row.databaseName).catch(() => undefined);
  await inTransaction(deps.control, actor, async (tx) => {
    await tx
      .delete(control.tenantSettingOverrides)
      .where(eq(control.tenantSettingOverrides.tenantId, row.id));
    await tx.delete(control.tenants).where(eq(control.tenants.id, row.id));
    await recordAuditEvent(tx, actor, {
      action: 'tenant.restore_failed',
      entityType: 'Tenant',
      entityId: row.id,
      tenantId: row.id,
      before: { slug: row.slug },
      reason: why.slice(0, 1000),
      firmId: row.firmId,
    });
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
