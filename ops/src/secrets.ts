import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateContextKeys } from '@cifra/context';
import { generateExportKeys } from '@cifra/exports';
import type { JWK } from 'jose';

/**
 * Secrets of the embedded default, generated on first start and kept in DATA_DIR (mode 600):
 * database passwords, the local issuer's signing key (for `pnpm token`) and the gateway's
 * context-signing key pair.
 */
export interface LocalSecrets {
  pgPassword: string;
  /** Every client's application login password is derived from it (TENANT_DB_SECRET). */
  tenantDbSecret: string;
  /** The services' role on the control plane (`cifra_control_app`). */
  controlAppPassword: string;
  authPrivateJwk: JWK;
  authPublicJwk: JWK;
  contextPrivateJwk: JWK;
  contextPublicJwk: JWK;
  /** Signs export download links (ledger subgraph); the gateway verifies them with the public half. */
  exportPrivateJwk: JWK;
  exportPublicJwk: JWK;
  /** Every client's investigator login password is derived from it (INVESTIGATOR_DB_SECRET). */
  investigatorSecret: string;
  /** Seals each client's audit chain checkpoints (CHECKPOINT_SECRET). */
  checkpointSecret: string;
  /** Encrypts client backups (BACKUP_KEY: 32 bytes, base64; docs/adr/0006-client-backups.md). */
  backupKey: string;
}

export const secretsFile = (dataDir: string) => path.join(dataDir, 'secrets.json');

export async function loadOrCreateSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = secretsFile(dataDir);
  if (existsSync(file)) {
    const existing = JSON.parse(await readFile(file, 'utf8')) as LocalSecrets;
    if (
      existing.exportPrivateJwk &&
      existing.exportPublicJwk &&
      existing.controlAppPassword &&
      existing.tenantDbSecret &&
      existing.investigatorSecret &&
      existing.checkpointSecret &&
      existing.backupKey
    )
      return existing;
    // A DATA_DIR from before exports, the control plane's own role or per-client logins: add what
    // is missing, keep everything else (an older `appPassword` is left unused).
    const upgraded = { ...existing };
    if (!upgraded.exportPrivateJwk || !upgraded.exportPublicJwk) {
      const exportKeys = await generateExportKeys();
      upgraded.exportPrivateJwk = exportKeys.privateJwk;
      upgraded.exportPublicJwk = exportKeys.publicJwk;
    }
    upgraded.controlAppPassword ||= randomBytes(18).toString('base64url');
    upgraded.tenantDbSecret ||= randomBytes(32).toString('base64url');
    upgraded.investigatorSecret ||= randomBytes(32).toString('base64url');
    upgraded.checkpointSecret ||= randomBytes(32).toString('base64url');
    upgraded.backupKey ||= randomBytes(32).toString('base64');
    await writeSecrets(file, upgraded);
    return upgraded;
  }
  await mkdir(dataDir, { recursive: true });
  const auth = await generateContextKeys();
  const context = await generateContextKeys();
  const exportKeys = await generateExportKeys();
  const secrets: LocalSecrets = {
    pgPassword: randomBytes(18).toString('base64url'),
    tenantDbSecret: randomBytes(32).toString('base64url'),
    controlAppPassword: randomBytes(18).toString('base64url'),
    authPrivateJwk: auth.privateJwk,
    authPublicJwk: auth.publicJwk,
    contextPrivateJwk: context.privateJwk,
    contextPublicJwk: context.publicJwk,
    exportPrivateJwk: exportKeys.privateJwk,
    exportPublicJwk: exportKeys.publicJwk,
    investigatorSecret: randomBytes(32).toString('base64url'),
    checkpointSecret: randomBytes(32).toString('base64url'),
    backupKey: randomBytes(32).toString('base64'),
  };
  await writeSecrets(file, secrets);
  return secrets;
}

async function writeSecrets(file: string, secrets: LocalSecrets): Promise<void> {
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

export async function readSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = secretsFile(dataDir);
  if (!existsSync(file)) throw new Error(`No ${file}: run pnpm start once to create the embedded default`);
  return JSON.parse(await readFile(file, 'utf8')) as LocalSecrets;
}
