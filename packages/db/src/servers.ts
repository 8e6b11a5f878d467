import { type pg, quoteIdent, quoteLiteral, withClient } from './pg.ts';
import { withDatabase } from './url.ts';

/**
 * Server-level operations on a tenant server, always through its admin URL. Roles are cluster-wide,
 * so the application role is ensured once per server; its password is (re)set from configuration.
 * The tenant migrations grant to this role by name.
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
async function ensureLoginRole(adminUrl: string, role: string, password: string): Promise<void> {
  await withClient(withDatabase(adminUrl, 'postgres'), (c) =>
    takingTurns(c, async () => {
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

export function ensureAppRole(adminUrl: string, appPassword: string): Promise<void> {
  return ensureLoginRole(adminUrl, APP_ROLE, appPassword);
}

/** The control plane's services role, on the control plane's server. */
export function ensureControlAppRole(adminUrl: string, password: string): Promise<void> {
  return ensureLoginRole(adminUrl, CONTROL_APP_ROLE, password);
}

export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  return withClient(withDatabase(adminUrl, 'postgres'), async (c) => {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return r.rowCount === 1;
  });
}

/**
 * Create a database that only its owner and `connectRoles` may connect to: a client database's
 * application role by default, the services' role for the control plane.
 */
export async function createDatabase(
  adminUrl: string,
  name: string,
  template?: string,
  connectRoles: readonly string[] = [APP_ROLE],
): Promise<void> {
  await withClient(withDatabase(adminUrl, 'postgres'), async (c) => {
    const from = template ? ` TEMPLATE ${quoteIdent(template)}` : '';
    await c.query(`CREATE DATABASE ${quoteIdent(name)}${from}`);
    // Only the application role and the owner may connect; other tenants' roles may not.
    await c.query(`REVOKE CONNECT ON DATABASE ${quoteIdent(name)} FROM PUBLIC`);
    for (const role of connectRoles) {
      await c.query(`GRANT CONNECT ON DATABASE ${quoteIdent(name)} TO ${quoteIdent(role)}`);
    }
  });
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(withDatabase(adminUrl, 'postgres'), async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  });
}
