import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import {
  integrationFirmGrants,
  integrationGrants,
  integrationSecrets,
  integrations,
  trustedDocuments,
} from './control/integrations.ts';
import type { ControlDb } from './drizzle.ts';
import type { TxOf } from './tx.ts';

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

type SecretRow = typeof integrationSecrets.$inferSelect;
export type IntegrationRow = typeof integrations.$inferSelect;

/** A secret that still opens the API: neither revoked nor expired, its integration ACTIVE. */
const live = (row: { secret: SecretRow; integration: IntegrationRow }, now: Date) =>
  row.integration.status === 'ACTIVE' &&
  !row.secret.revokedAt &&
  !(row.secret.expiresAt && row.secret.expiresAt <= now);

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
  if (!live(row, now)) return null;
  await control
    .update(integrationSecrets)
    .set({ lastUsedAt: now })
    .where(eq(integrationSecrets.id, row.secret.id));
  return { integrationId: row.integration.id, firmId: row.integration.firmId, clientId };
}

/**
 * The integration behind an access token, when it may still call: ACTIVE, and the secret the
 * token was issued for neither revoked nor expired. Asked on every request, so a suspension or a
 * revocation applies to the next one.
 */
export async function liveIntegration(
  control: ControlDb,
  integrationId: string,
  clientId: string,
  via: 'secret' | 'oidc' = 'secret',
): Promise<IntegrationRow | null> {
  if (via === 'oidc') {
    const [row] = await control
      .select()
      .from(integrations)
      .where(and(eq(integrations.id, integrationId), eq(integrations.oidcClientId, clientId)));
    return row?.status === 'ACTIVE' ? row : null;
  }
  const [row] = await control
    .select({ integration: integrations, secret: integrationSecrets })
    .from(integrationSecrets)
    .innerJoin(integrations, eq(integrations.id, integrationSecrets.integrationId))
    .where(and(eq(integrationSecrets.prefix, clientId), eq(integrations.id, integrationId)));
  return row && live(row, new Date()) ? row.integration : null;
}

/** The live (unretired) trusted document of an integration under `documentId`, or null. */
export async function liveTrustedDocument(
  control: ControlDb,
  integrationId: string,
  documentId: string,
): Promise<string | null> {
  const [row] = await control
    .select({ document: trustedDocuments.document })
    .from(trustedDocuments)
    .where(
      and(
        eq(trustedDocuments.integrationId, integrationId),
        eq(trustedDocuments.documentId, documentId),
        isNull(trustedDocuments.retiredAt),
      ),
    )
    .limit(1);
  return row?.document ?? null;
}

/** Whether a FirmAdmin let this integration send documents that are not among its trusted ones. */
export async function allowsArbitraryDocuments(control: ControlDb, integrationId: string): Promise<boolean> {
  const [row] = await control
    .select({ allow: integrations.allowArbitraryDocuments })
    .from(integrations)
    .where(eq(integrations.id, integrationId));
  return row?.allow === true;
}

/**
 * The integration registered under a client id of the firm's OIDC provider, or null. Deleted
 * integrations have given their client id back (control migration 0038): at most one other holds it.
 */
export async function integrationOfOidcClient(
  control: ControlDb,
  clientId: string,
): Promise<IntegrationRow | null> {
  const [row] = await control
    .select()
    .from(integrations)
    .where(and(eq(integrations.oidcClientId, clientId), ne(integrations.status, 'DELETED')));
  return row ?? null;
}

/**
 * What each integration's unexpired grants permit, on any of its clients or firm-wide (a trusted
 * document runs on each of them): permission names by integration id, for one integration or all.
 */
export async function grantedAnywhere(
  control: ControlDb | TxOf<ControlDb>,
  integrationId?: string,
): Promise<Map<string, Set<string>>> {
  const live = (t: typeof integrationGrants | typeof integrationFirmGrants) => {
    const unexpired = sql`(${t.expiresAt} IS NULL OR ${t.expiresAt} > now())`;
    return integrationId ? and(eq(t.integrationId, integrationId), unexpired) : unexpired;
  };
  const rows = [
    ...(await control
      .select({ integrationId: integrationGrants.integrationId, permissions: integrationGrants.permissions })
      .from(integrationGrants)
      .where(live(integrationGrants))),
    ...(await control
      .select({
        integrationId: integrationFirmGrants.integrationId,
        permissions: integrationFirmGrants.permissions,
      })
      .from(integrationFirmGrants)
      .where(live(integrationFirmGrants))),
  ];
  const granted = new Map<string, Set<string>>();
  for (const row of rows) {
    const set = granted.get(row.integrationId) ?? new Set<string>();
    for (const p of row.permissions) set.add(p);
    granted.set(row.integrationId, set);
  }
  return granted;
}
