import { dbErrorOf } from './db-errors.ts';
import { type pg, quoteIdent, quoteLiteral, withClient } from './pg.ts';
import { withDatabase } from './url.ts';

/**
 * Server-level operations on a tenant server, always through its admin URL. The tenant migrations
 * grant the application's table privileges to this role by name. It cannot log in and may connect
 * to no database: each client's own login (logins.ts) inherits its privileges inside the one
 * database that login may connect to.
 */
export const APP_ROLE = 'cifra_app';

/**
 * The role the services (gateway, subgraphs, worker) connect to the control plane as. It owns
 * nothing there and holds only the grants of control migration 0007 (no CREATE, no CREATEDB).
 */
export const CONTROL_APP_ROLE = 'cifra_control_app';

/** Taken around changes to cluster-wide catalog rows (roles, database ACLs). */
const CLUSTER_CATALOG_LOCK = 726_002;

/**
 * Roles and database ACLs are cluster-wide catalog rows: two processes changing the same one at
 * once (two stacks starting on one server, clients migrated in parallel) fail with "tuple
 * concurrently updated". Such changes take turns on one advisory lock of the session.
 */
export async function takingTurns<T>(c: pg.Client, fn: () => Promise<T>): Promise<T> {
  await c.query('SELECT pg_advisory_lock($1)', [CLUSTER_CATALOG_LOCK]);
  try {
    return await fn();
  } finally {
    await c.query('SELECT pg_advisory_unlock($1)', [CLUSTER_CATALOG_LOCK]).catch(() => undefined);
  }
}

/** Create a login role once per server (idempotent) and (re)set its password from configuration. */
async function ensureLoginRole(
  adminUrl: string,
  role: string,
  password: string,
  opts: { keepPassword?: boolean } = {},
): Promise<void> {
  await withClient(withDatabase(adminUrl, 'postgres'), (c) =>
    takingTurns(c, async () => {
      const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      // A role that exists keeps its password when asked to: the running services log in with it.
      if (exists.rowCount === 1 && opts.keepPassword) return;
      await c.query(`DO $$ BEGIN
          CREATE ROLE ${quoteIdent(role)} LOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$`);
      // Created without SUPERUSER, CREATEDB or CREATEROLE (the defaults); only LOGIN and the password
      // are set here, which a non-superuser admin with CREATEROLE may do too.
      await c.query(`ALTER ROLE ${quoteIdent(role)} LOGIN PASSWORD ${quoteLiteral(password)}`);
    }),
  );
}

/**
 * The application's privilege role on a client server: created once, NOLOGIN, with CONNECT on no
 * database (servers from before per-client logins had it as the shared login of every client).
 */
export async function ensureAppRole(adminUrl: string): Promise<void> {
  await withClient(withDatabase(adminUrl, 'postgres'), (c) =>
    takingTurns(c, async () => {
      await c.query(`DO $$ BEGIN
          CREATE ROLE ${quoteIdent(APP_ROLE)} NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$`);
      await c.query(`ALTER ROLE ${quoteIdent(APP_ROLE)} NOLOGIN PASSWORD NULL`);
      const granted = await c.query<{ datname: string }>(
        `SELECT d.datname FROM pg_database d, aclexplode(d.datacl) a
          WHERE a.grantee = $1::regrole AND a.privilege_type = 'CONNECT'`,
        [APP_ROLE],
      );
      for (const { datname } of granted.rows)
        await c.query(`REVOKE CONNECT ON DATABASE ${quoteIdent(datname)} FROM ${quoteIdent(APP_ROLE)}`);
    }),
  );
}

/** The control plane's services role, on the control plane's server. */
export function ensureControlAppRole(
  adminUrl: string,
  password: string,
  opts: { keepPassword?: boolean } = {},
): Promise<void> {
  return ensureLoginRole(adminUrl, CONTROL_APP_ROLE, password, opts);
}

export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  return withClient(withDatabase(adminUrl, 'postgres'), async (c) => {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return r.rowCount === 1;
  });
}

/**
 * Create a database that only its owner and `connectRoles` may connect to: the services' role for
 * the control plane; a client database's own logins are granted theirs when they are made.
 */
export async function createDatabase(
  adminUrl: string,
  name: string,
  template?: string,
  connectRoles: readonly string[] = [],
): Promise<void> {
  await withClient(withDatabase(adminUrl, 'postgres'), (c) =>
    createDatabaseOn(c, name, template, connectRoles),
  );
}

/**
 * A client's database (or the template) closed to `PUBLIC`: only its owner and the roles granted it
 * connect, and nobody but the owner makes temporary tables there — one named like a books table
 * would stand in for it inside the database's own SECURITY DEFINER functions, which search a
 * session's temporary schema first.
 */
export async function closeToPublic(c: pg.Client, name: string): Promise<void> {
  await c.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${quoteIdent(name)} FROM PUBLIC`);
}

/** `createDatabase` on a session the caller holds to the server's `postgres` database. */
export async function createDatabaseOn(
  c: pg.Client,
  name: string,
  template?: string,
  connectRoles: readonly string[] = [],
): Promise<void> {
  const from = template ? ` TEMPLATE ${quoteIdent(template)}` : '';
  await c.query(`CREATE DATABASE ${quoteIdent(name)}${from}`);
  // Only the owner and the roles named may connect; other clients' logins may not.
  await closeToPublic(c, name);
  for (const role of connectRoles) {
    await c.query(`GRANT CONNECT ON DATABASE ${quoteIdent(name)} TO ${quoteIdent(role)}`);
  }
}

/**
 * Make a database's sessions refuse writes (SQLSTATE 25006, TENANT_READ_ONLY to the caller) or take
 * them again: the setting applies to new sessions, so every session opened before is ended and
 * waited for until PostgreSQL no longer lists it (however long a loaded machine takes); none keeps
 * the former setting. An archived client's books (archiveClient) and a client being moved.
 */
export async function setDatabaseReadOnly(adminUrl: string, name: string, readOnly: boolean): Promise<void> {
  await withClient(withDatabase(adminUrl, 'postgres'), async (c) => {
    await c.query(
      readOnly
        ? `ALTER DATABASE ${quoteIdent(name)} SET default_transaction_read_only = on`
        : `ALTER DATABASE ${quoteIdent(name)} RESET default_transaction_read_only`,
    );
    const before = await c.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    const pids = before.rows.map((r) => r.pid);
    for (;;) {
      const left = await c.query<{ pid: number }>(
        'SELECT pid, pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE pid = ANY($1::int[])',
        [pids],
      );
      if (left.rowCount === 0) return;
    }
  });
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(withDatabase(adminUrl, 'postgres'), async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  });
}

/**
 * Rename a database, ending the sessions still on it (a rename needs none). Idempotent: done when
 * only `to` exists. Retried while a session slips in between the termination and the rename.
 */
export async function renameDatabase(adminUrl: string, from: string, to: string): Promise<void> {
  await withClient(withDatabase(adminUrl, 'postgres'), async (c) => {
    const present = await c.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname = ANY($1)',
      [[from, to]],
    );
    const has = (name: string) => present.rows.some((r) => r.datname === name);
    if (has(to) && !has(from)) return;
    if (has(to)) throw new Error(`cannot rename ${from} to ${to}: both exist`);
    if (!has(from)) throw new Error(`database "${from}" does not exist (nor "${to}")`);
    for (let attempt = 1; ; attempt++) {
      await c.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [from],
      );
      try {
        await c.query(`ALTER DATABASE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`);
        return;
      } catch (err) {
        if (dbErrorOf(err)?.kind !== 'OBJECT_IN_USE' || attempt >= 20) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
}
