import { createHash, randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import {
  type Actor,
  type ControlDb,
  control,
  inTransaction,
  recordAuditEvent,
  resolveSecrets,
  tenantMigrationJournal,
  withClient,
  withDatabase,
} from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { and, eq } from 'drizzle-orm';
import { to as copyTo } from 'pg-copy-streams';
import { type BackupKeyring, derivedKey } from './backup-keys.ts';
import { MANIFEST_FORMAT, type ManifestBody, type ManifestPart, sealManifest } from './backup-manifest.ts';
import { asBackupOwner, asClientBackupTaker, backupOwnerName } from './backup-owner.ts';
import type { BackupStore, BackupWriter } from './backup-store.ts';
import { encryptChunks } from './chunk-cipher.ts';
import {
  auditChainHead,
  columnList,
  schemaVersion,
  sequences,
  tablesInLoadOrder,
  trialBalanceDigest,
} from './snapshot.store.ts';

export interface BackupDeps {
  control: ControlDb;
  /** The `${NAME}` secrets of the servers' admin URLs. */
  secrets: Readonly<Record<string, string | undefined>>;
  keys: BackupKeyring;
  store: BackupStore;
}

type ClientBackupRow = control.ClientBackupRow;

export const partFileOf = (table: string) => `${table}.copy.gz.enc`;

/** Counts bytes and hashes what passes through it. */
function tap() {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, result: () => ({ bytes, sha256: hash.digest('hex') }) };
}

/** The client, its firm, its server and its white-label overrides: what a backup names. */
async function clientFacts(db: ControlDb, tenantId: string) {
  const [row] = await db
    .select({ tenant: control.tenants, server: control.dbServers, firm: control.firms })
    .from(control.tenants)
    .innerJoin(control.dbServers, eq(control.dbServers.id, control.tenants.serverId))
    .innerJoin(control.firms, eq(control.firms.id, control.tenants.firmId))
    .where(eq(control.tenants.id, tenantId));
  if (!row) throw new DomainError('NOT_FOUND', 'No such client', { tenantId });
  const overrides = await db
    .select({ key: control.tenantSettingOverrides.key, value: control.tenantSettingOverrides.value })
    .from(control.tenantSettingOverrides)
    .where(eq(control.tenantSettingOverrides.tenantId, tenantId));
  return { ...row, overrides };
}

type Facts = Awaited<ReturnType<typeof clientFacts>>;

/**
 * Back up one client's database (docs/architecture/backups.md): a `RUNNING` record, then every
 * table of one REPEATABLE READ snapshot as a compressed, encrypted part, then the sealed
 * manifest; the backup becomes visible in its store and `COMPLETE` only after that. A failure
 * removes what was written and leaves the record `FAILED` with the reason. The whole attempt holds
 * the backup's owner lock (`backup-owner.ts`): a process killed mid-way leaves a `RUNNING` record
 * whose lock is free, which the sweeper marks `INTERRUPTED`.
 */
export async function backupClient(
  deps: BackupDeps,
  actor: Actor,
  tenantId: string,
  opts: { waitForRunning?: boolean } = {},
): Promise<ClientBackupRow> {
  const facts = await clientFacts(deps.control, tenantId);
  if (facts.tenant.status === 'PROVISIONING')
    throw new DomainError('TENANT_UNAVAILABLE', `${facts.tenant.slug} is still being provisioned`, {
      slug: facts.tenant.slug,
    });
  const backupId = randomUUID();
  // One backup of a client at a time (BACKUP_IN_PROGRESS), each holding a long snapshot. Both
  // locks on one session, and the backup's records written on it too (`onOwnSession`).
  return asClientBackupTaker(
    deps.control,
    tenantId,
    (db) =>
      asBackupOwner(db, backupId, (own) => takeBackup({ ...deps, control: own }, actor, facts, backupId)),
    opts.waitForRunning,
  );
}

async function takeBackup(
  deps: BackupDeps,
  actor: Actor,
  facts: Facts,
  backupId: string,
): Promise<ClientBackupRow> {
  const { tenant, server, firm } = facts;
  const location = `${firm.id}/${tenant.id}/${backupId}`;
  const key = deps.keys.current;
  const started = Date.now();
  await inTransaction(deps.control, actor, async (tx) => {
    await tx.insert(control.clientBackups).values({
      id: backupId,
      firmId: firm.id,
      tenantId: tenant.id,
      tenantSlug: tenant.slug,
      serverName: server.name,
      location,
      keyId: key.id,
      requestedBy: actor.email,
      owner: backupOwnerName(),
    });
    await recordAuditEvent(tx, actor, {
      action: 'backup.started',
      entityType: 'ClientBackup',
      entityId: backupId,
      tenantId: tenant.id,
      after: { slug: tenant.slug, location, keyId: key.id },
    });
  });

  let writer: Awaited<ReturnType<BackupStore['create']>> | null = null;
  let sealed = false;
  try {
    writer = await deps.store.create(location);
    const body = await snapshot(deps, facts, backupId, writer);
    const manifest = sealManifest(key, body);
    await writer.seal(manifest);
    sealed = true;
    const sizeBytes = body.parts.reduce((sum, p) => sum + BigInt(p.bytes), BigInt(manifest.length));
    return await inTransaction(deps.control, actor, async (tx) => {
      const [done] = await tx
        .update(control.clientBackups)
        .set({
          status: 'COMPLETE',
          schemaVersion: `${body.schemaVersion.applied}:${body.schemaVersion.tag}`,
          chainSeq: BigInt(body.auditChainHead.seq),
          chainHeadHash: body.auditChainHead.hash,
          sizeBytes,
          durationMs: Date.now() - started,
          finishedAt: new Date(),
        })
        .where(and(eq(control.clientBackups.id, backupId), eq(control.clientBackups.status, 'RUNNING')))
        .returning();
      // Only a sweeper that found the owner lock free (this process's session was lost) marks a
      // backup meanwhile; its record says INTERRUPTED, so its files must not stay either.
      if (!done) throw new Error('the backup lost its owner lock and was marked interrupted');
      await recordAuditEvent(tx, actor, {
        action: 'backup.completed',
        entityType: 'ClientBackup',
        entityId: backupId,
        tenantId: tenant.id,
        after: {
          slug: tenant.slug,
          sizeBytes: sizeBytes.toString(),
          schemaVersion: body.schemaVersion,
          auditChainHead: body.auditChainHead,
          tables: body.parts.length,
        },
      });
      return done as ClientBackupRow;
    });
  } catch (err) {
    await (sealed ? deps.store.remove(location) : writer?.abort())?.catch(() => undefined);
    const why = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
    await inTransaction(deps.control, actor, async (tx) => {
      const failed = await tx
        .update(control.clientBackups)
        .set({ status: 'FAILED', error: why, durationMs: Date.now() - started, finishedAt: new Date() })
        .where(and(eq(control.clientBackups.id, backupId), eq(control.clientBackups.status, 'RUNNING')))
        .returning({ id: control.clientBackups.id });
      if (failed.length === 0) return;
      await recordAuditEvent(tx, actor, {
        action: 'backup.failed',
        entityType: 'ClientBackup',
        entityId: backupId,
        tenantId: tenant.id,
        reason: why,
      });
    }).catch(() => undefined);
    throw err;
  }
}

/** Every table of one REPEATABLE READ snapshot written as a part; the manifest's body. */
async function snapshot(
  deps: BackupDeps,
  facts: Facts,
  backupId: string,
  w: BackupWriter,
): Promise<ManifestBody> {
  const { tenant, server, firm, overrides } = facts;
  const key = deps.keys.current;
  const adminUrl = resolveSecrets(server.adminUrl, deps.secrets);
  const journal = await tenantMigrationJournal();
  return withClient(withDatabase(adminUrl, tenant.databaseName), async (c) => {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    try {
      // The first statement fixes the snapshot; now() is the transaction's start.
      const taken = await c.query<{ at: string }>(
        `SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at`,
      );
      const tables = await tablesInLoadOrder(c);
      const version = await schemaVersion(c, journal);
      const head = await auditChainHead(c);
      const digest = await trialBalanceDigest(c);
      const seqs = await sequences(c);
      const parts: ManifestPart[] = [];
      for (const t of tables) {
        const file = partFileOf(t.table);
        const copy = c.query(copyTo(`COPY ${t.sqlName} (${columnList(t.columns)}) TO STDOUT`));
        const counted = tap();
        await pipeline(
          copy,
          createGzip(),
          encryptChunks(derivedKey(key, backupId, `part:${t.table}`)),
          counted.stream,
          w.part(file),
        );
        parts.push({ table: t.table, file, columns: t.columns, rows: copy.rowCount, ...counted.result() });
      }
      await c.query('COMMIT');
      return {
        format: MANIFEST_FORMAT,
        backupId,
        keyId: key.id,
        firm: { id: firm.id, slug: firm.slug },
        client: {
          id: tenant.id,
          slug: tenant.slug,
          name: tenant.name,
          region: tenant.region,
          baseCurrency: tenant.baseCurrency,
          timezone: tenant.timezone,
          settingOverrides: overrides,
        },
        server: server.name,
        takenAt: taken.rows[0]?.at ?? new Date().toISOString(),
        schemaVersion: version,
        auditChainHead: head,
        trialBalanceDigest: digest,
        parts,
        sequences: seqs,
      } satisfies ManifestBody;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}
