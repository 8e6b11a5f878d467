import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { integrationSecrets, integrations } from './control/integrations.ts';
import type { ControlDb } from './drizzle.ts';

/**
 * An integration's client credentials (OAuth 2.0 client credentials, RFC 6749 §4.4). The client id
 * is the secret's visible prefix (`cfk_` and 12 hex digits), shown in lists and logs; the secret
 * (`cfs_` and 43 base64url characters, 256 random bits) is shown once and stored only as a scrypt
 * hash. Several secrets of one integration may be valid at once, so a partner rotates without a
 * gap.
 */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 32, maxmem: 64 * 1024 * 1024 } as const;

const derive = (secret: string, salt: Buffer, N: number, r: number, p: number) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, salt, SCRYPT.keylen, { N, r, p, maxmem: SCRYPT.maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );

export async function hashClientSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

export async function clientSecretMatches(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(secret, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export async function newClientCredentials(): Promise<{ clientId: string; secret: string; hash: string }> {
  const clientId = `cfk_${randomBytes(6).toString('hex')}`;
  const secret = `cfs_${randomBytes(32).toString('base64url')}`;
  return { clientId, secret, hash: await hashClientSecret(secret) };
}

export const CLIENT_ID_PATTERN = /^cfk_[0-9a-f]{12}$/;

/** A hash to spend the same time on when the client id is unknown (no timing oracle for ids). */
let decoy: Promise<string> | undefined;

/**
 * The integration a client id and secret authenticate, or null: the secret must match, be neither
 * revoked nor expired, and its integration must be ACTIVE. Records the secret's last use.
 */
export async function authenticateClient(
  control: ControlDb,
  clientId: string,
  secret: string,
): Promise<{ integrationId: string; firmId: string; clientId: string } | null> {
  const [row] = CLIENT_ID_PATTERN.test(clientId)
    ? await control
        .select({ secret: integrationSecrets, integration: integrations })
        .from(integrationSecrets)
        .innerJoin(integrations, eq(integrations.id, integrationSecrets.integrationId))
        .where(eq(integrationSecrets.prefix, clientId))
    : [];
  if (!row) {
    decoy ??= hashClientSecret('decoy');
    await clientSecretMatches(secret, await decoy);
    return null;
  }
  if (!(await clientSecretMatches(secret, row.secret.hash))) return null;
  const now = new Date();
  if (row.secret.revokedAt || (row.secret.expiresAt && row.secret.expiresAt <= now)) return null;
  if (row.integration.status !== 'ACTIVE') return null;
  await control
    .update(integrationSecrets)
    .set({ lastUsedAt: now })
    .where(eq(integrationSecrets.id, row.secret.id));
  return { integrationId: row.integration.id, firmId: row.integration.firmId, clientId };
}
