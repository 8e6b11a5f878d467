import { createHash, createHmac } from 'node:crypto';
import { type pg, quoteIdent, quoteLiteral, withClient } from './pg.ts';
import { APP_ROLE, closeToPublic, takingTurns } from './servers.ts';
import { withCredentials, withDatabase } from './url.ts';

/**
 * Every client database has its own logins (docs/adr/0003-per-client-database-logins.md): the
 * application's (`ca_…`), which the services' pools use, and the investigator's (`ix_…`). Their
 * passwords are derived from a master secret, never stored: HMAC-SHA256(secret, role). Rotating a
 * secret and running `pnpm migrate` re-derives and resets every password.
 */
export const TENANT_DB_SECRET = 'TENANT_DB_SECRET';

/**
 * A client login's name says nothing about the client (every role sees the list of roles): a
 * prefix and a digest of the (itself opaque) database name.
 */
export function clientLoginRole(prefix: 'ca' | 'ix', databaseName: string): string {
  return `${prefix}_${createHash('sha256').update(databaseName).digest('hex').slice(0, 24)}`;
}

export const appLoginRole = (databaseName: string) => clientLoginRole('ca', databaseName);

export function derivedPassword(secret: string, role: string): string {
  return createHmac('sha256', secret).update(role).digest('base64url');
}

/** How the services connect to a client's database: as that client's own application login. */
export function appLoginUrl(serverAddress: string, databaseName: string, secret: string): string {
  const role = appLoginRole(databaseName);
  return withCredentials(withDatabase(serverAddress, databaseName), role, derivedPassword(secret, role));
}

export interface LoginSpec {
  role: string;
  password: string;
  databaseName: string;
  /** Role attributes beyond LOGIN (e.g. `NOINHERIT CONNECTION LIMIT 3`). */
  attributes: string;
  /** `ALTER ROLE … SET` defaults. */
  settings?: Readonly<Record<string, string>>;
}

/**
 * Create or refresh a client login on a session to the server's `postgres` database: the role with
 * its attributes and password, CONNECT on its own client's database only (never PUBLIC's), and
 * the maintenance databases closed to PUBLIC. Roles and database ACLs are cluster-wide catalog
 * rows: the caller holds `takingTurns`.
 */
export async function refreshLogin(c: pg.Client, spec: LoginSpec): Promise<void> {
  const role = quoteIdent(spec.role);
  const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [spec.role]);
  if (exists.rowCount === 0)
    await c.query(`DO $$ BEGIN CREATE ROLE ${role} LOGIN;
                   EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
  await c.query(
    `ALTER ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS ${spec.attributes}
       PASSWORD ${quoteLiteral(spec.password)}`,
  );
  for (const [name, value] of Object.entries(spec.settings ?? {}))
    await c.query(`ALTER ROLE ${role} SET ${name} = ${quoteLiteral(value)}`);
  // The maintenance databases are open to PUBLIC by default; no client login needs them.
  await c.query('REVOKE CONNECT ON DATABASE postgres FROM PUBLIC');
  await c.query('REVOKE CONNECT ON DATABASE template1 FROM PUBLIC');
  await closeToPublic(c, spec.databaseName);
  await c.query(`GRANT CONNECT ON DATABASE ${quoteIdent(spec.databaseName)} TO ${role}`);
}

/**
 * Create (or refresh) a client's application login, with the server's admin connection. The
 * login owns nothing and may connect to its own client's database only. It inherits the table
 * privileges the tenant migrations grant to `cifra_app` — a NOLOGIN role that may connect to no
 * database, so those privileges are usable only inside the one database the login reaches — and
 * it may not `SET ROLE cifra_app` (PostgreSQL 16 and later).
 */
export async function ensureAppLogin(
  serverAdminUrl: string,
  databaseName: string,
  secret: string,
): Promise<string> {
  return withClient(withDatabase(serverAdminUrl, 'postgres'), (c) =>
    takingTurns(c, () => appLoginOn(c, databaseName, secret)),
  );
}

/** `ensureAppLogin` on a session to the server's `postgres` database that holds `takingTurns`. */
export async function appLoginOn(c: pg.Client, databaseName: string, secret: string): Promise<string> {
  const role = appLoginRole(databaseName);
  await refreshLogin(c, {
    role,
    password: derivedPassword(secret, role),
    databaseName,
    attributes: 'INHERIT CONNECTION LIMIT -1',
  });
  const version = await c.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`);
  const options = (version.rows[0]?.v ?? 0) >= 160_000 ? ' WITH INHERIT TRUE, SET FALSE' : '';
  await c.query(`GRANT ${quoteIdent(APP_ROLE)} TO ${quoteIdent(role)}${options}`);
  await c.query(`REVOKE CONNECT ON DATABASE ${quoteIdent(databaseName)} FROM ${quoteIdent(APP_ROLE)}`);
  return role;
}

/**
 * Remove the logins made for `databaseName`. Their privileges inside the database — named
 * `grantsIn` once renamed — are revoked first when it still exists; a dropped database took them
 * along. Idempotent.
 */
export async function dropClientLogins(
  serverAdminUrl: string,
  databaseName: string,
  grantsIn = databaseName,
): Promise<void> {
  const roles = [appLoginRole(databaseName), clientLoginRole('ix', databaseName)];
  await withClient(withDatabase(serverAdminUrl, 'postgres'), (c) =>
    takingTurns(c, async () => {
      const present = await c.query<{ rolname: string }>(
        'SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])',
        [roles],
      );
      if (present.rowCount === 0) return;
      const names = present.rows.map((r) => quoteIdent(r.rolname)).join(', ');
      const db = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [grantsIn]);
      if (db.rowCount)
        await withClient(withDatabase(serverAdminUrl, grantsIn), (inDb) =>
          inDb.query(`DROP OWNED BY ${names}`),
        );
      await c.query(`DROP ROLE IF EXISTS ${names}`);
    }),
  );
}
