import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import {
  type ControlDb,
  control,
  migrateTenantDatabase,
  migrateTenantDatabaseTo,
  tenantMigrationJournal,
  withClient,
} from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { and, eq } from 'drizzle-orm';
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

/**
 * What a restore and a restore drill share (docs/architecture/backups.md): checking a backup whole
 * before anything is written, loading it into an empty client database, and verifying the result
 * against the manifest.
 */

export const incomplete = (backupId: string, why: string) =>
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

/**
 * Every part in one transaction, as the owner: the user triggers (append-only guards, history,
 * the audit chain's link) are off for this transaction only and back on before it commits, so
 * no session ever sees the guards down; foreign keys stay on (parents are loaded first). What the
 * migrations seeded is replaced by the backup's rows.
 */
export async function loadBackup(
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

export const verificationFailed = (backupId: string, why: string) =>
  new DomainError(
    'RESTORE_VERIFICATION_FAILED',
    `The restore of backup ${backupId} does not verify: ${why}`,
    {
      backupId,
    },
  );

export async function verifyRestored(ownerUrl: string, body: ManifestBody): Promise<void> {
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

/** A backup of the firm that a restore may read: COMPLETE (not running, failed or interrupted). */
export async function findBackup(db: ControlDb, firmId: string, backupId: string) {
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

/** A backup checked whole and ready to load (`openBackup`). */
export interface OpenedBackup {
  body: ManifestBody;
  key: BackupKey;
  reader: BackupReader;
}

/**
 * A backup restored into the empty client database at `ownerUrl`: migrated as far as the backup's
 * schema, loaded, migrated to this release, then verified against its manifest. What a restore, a
 * restore in place, a move and a restore drill each do; the database's logins are the caller's.
 */
export async function restoreInto(ownerUrl: string, { body, key, reader }: OpenedBackup): Promise<void> {
  await migrateTenantDatabaseTo(ownerUrl, body.schemaVersion.applied);
  await loadBackup(ownerUrl, reader, body, key);
  await migrateTenantDatabase(ownerUrl);
  await verifyRestored(ownerUrl, body);
}

/**
 * Open a backup's record for reading: its manifest and every part checked (`checkBackup`), the
 * manifest naming the record's client and key, and a schema version this cifraHQ knows. Nothing is
 * written by it.
 */
export async function openBackup(
  keys: BackupKeyring,
  store: BackupStore,
  record: { id: string; location: string; tenantId: string; keyId: string },
): Promise<OpenedBackup> {
  const backupId = record.id;
  const reader = store.open(record.location);
  const { body, key } = await checkBackup(keys, reader, backupId);
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
  return { body, key, reader };
}
