import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@cifra/domain';
import { type BackupKey, type BackupKeyring, derivedKey, readableKey } from './backup-keys.ts';

export const MANIFEST_FORMAT = 'cifra-client-backup/1';

export interface SchemaVersion {
  /** Migrations applied (the client's `drizzle.__drizzle_migrations` rows). */
  applied: number;
  /** Tag of the last one applied, from the migrations journal. */
  tag: string;
}

export interface ManifestPart {
  /** `schema.table`, also the part's file name with `.copy.gz.enc`. */
  table: string;
  file: string;
  /** The columns in the order of the part's rows (generated columns are not stored). */
  columns: string[];
  rows: number;
  bytes: number;
  sha256: string;
}

export interface ManifestBody {
  format: typeof MANIFEST_FORMAT;
  backupId: string;
  keyId: string;
  firm: { id: string; slug: string };
  client: {
    id: string;
    slug: string;
    name: string;
    region: string;
    baseCurrency: string;
    timezone: string;
    /** The client's white-label settings, kept in the control plane, not in its database. */
    settingOverrides: { key: string; value: unknown }[];
  };
  server: string;
  /** When the snapshot was taken (the transaction's start), ISO 8601 UTC. */
  takenAt: string;
  schemaVersion: SchemaVersion;
  auditChainHead: { seq: string; hash: string | null };
  trialBalanceDigest: string;
  /** Tables in load order (parents before the tables referring to them). */
  parts: ManifestPart[];
  /** Every sequence of the database and where it stood. */
  sequences: { name: string; lastValue: string; isCalled: boolean }[];
}

export interface SealedManifest {
  body: ManifestBody;
  /** HMAC-SHA256 of the body's JSON under a key derived from the backup key for this backup. */
  seal: string;
}

const sealOf = (key: BackupKey, bodyJson: string, backupId: string) =>
  createHmac('sha256', derivedKey(key, backupId, 'manifest'))
    .update(bodyJson)
    .digest('hex');

export function sealManifest(key: BackupKey, body: ManifestBody): Buffer {
  const bodyJson = JSON.stringify(body);
  return Buffer.from(`{"body":${bodyJson},"seal":"${sealOf(key, bodyJson, body.backupId)}"}\n`);
}

/**
 * The manifest's body once its seal is checked: its key must be one the services hold
 * (BACKUP_KEY_UNKNOWN), and the seal must match the body exactly as written (BACKUP_TAMPERED).
 */
export function openManifest(
  ring: BackupKeyring,
  bytes: Buffer,
  backupId: string,
): { body: ManifestBody; key: BackupKey } {
  const tampered = (why: string) =>
    new DomainError('BACKUP_TAMPERED', `The backup's manifest fails its check (${why})`, { backupId });
  const text = bytes.toString('utf8');
  const match = /^\{"body":(.*),"seal":"([0-9a-f]{64})"\}\n?$/s.exec(text);
  if (!match) throw tampered('not a sealed manifest');
  const [, bodyJson = '', seal = ''] = match;
  let body: ManifestBody;
  try {
    body = JSON.parse(bodyJson) as ManifestBody;
  } catch {
    throw tampered('unreadable');
  }
  if (body.format !== MANIFEST_FORMAT) throw tampered(`unknown format ${String(body.format)}`);
  if (body.backupId !== backupId) throw tampered('it names another backup');
  const key = readableKey(ring, String(body.keyId));
  const expected = Buffer.from(sealOf(key, bodyJson, backupId), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(seal, 'hex'))) throw tampered('seal mismatch');
  return { body, key };
}
