import { createHash, hkdfSync } from 'node:crypto';
import { DomainError } from '@cifra/domain';

/**
 * The firm's backup keys (docs/adr/0006-client-backups.md, "Key management"): one current key that
 * new backups are written under, and older ones kept for reading. A key is 32 bytes; its id is
 * derived from it, so a manifest's key id can never name a different key than the one it was
 * written under.
 */
export interface BackupKey {
  id: string;
  key: Buffer;
}

export interface BackupKeyring {
  current: BackupKey;
  /** Every key that may read: the current one first. */
  readable: readonly BackupKey[];
}

export function backupKeyId(key: Buffer): string {
  return createHash('sha256').update('cifra-backup-key').update(key).digest('hex').slice(0, 16);
}

function parseKey(text: string, name: string): BackupKey {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32)
    throw new Error(`${name} must be 32 bytes, base64-encoded (openssl rand -base64 32)`);
  return { id: backupKeyId(key), key };
}

/** `BACKUP_KEY` and `BACKUP_KEYS_OLD` (comma-separated) as read from the environment. */
export function backupKeyring(current: string, old = ''): BackupKeyring {
  const key = parseKey(current, 'BACKUP_KEY');
  const older = old
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => parseKey(k, 'BACKUP_KEYS_OLD'));
  return { current: key, readable: [key, ...older.filter((k) => k.id !== key.id)] };
}

export function readableKey(ring: BackupKeyring, keyId: string): BackupKey {
  const found = ring.readable.find((k) => k.id === keyId);
  if (!found)
    throw new DomainError(
      'BACKUP_KEY_UNKNOWN',
      `The backup is encrypted under key ${keyId}, which this service does not hold (BACKUP_KEY, BACKUP_KEYS_OLD)`,
      { keyId },
    );
  return found;
}

/** A key for one purpose of one backup (a part's cipher, the manifest's seal): HKDF-SHA256. */
export function derivedKey(key: BackupKey, backupId: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key.key, Buffer.from(backupId), Buffer.from(purpose), 32));
}

/** The services' secrets the keys are read from (the environment, or DATA_DIR's secrets.json). */
export const BACKUP_KEY = 'BACKUP_KEY';
export const BACKUP_KEYS_OLD = 'BACKUP_KEYS_OLD';

export function keyringFromSecrets(secrets: Readonly<Record<string, string | undefined>>): BackupKeyring {
  const current = secrets[BACKUP_KEY];
  if (!current) throw new Error(`backups need ${BACKUP_KEY} (32 bytes, base64)`);
  return backupKeyring(current, secrets[BACKUP_KEYS_OLD] ?? '');
}
