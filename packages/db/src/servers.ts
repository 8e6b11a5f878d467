import { quoteIdent, quoteLiteral, withClient } from './pg.ts';
import { withDatabase } from './url.ts';

/**
 * Server-level operations on a tenant server, always through its admin URL. Roles are cluster-wide,
 * so the application role is ensured once per server; its password is (re)set from configuration.
 * The tenant migrations grant to this role by name.
 */
export const APP_ROLE = 'cifra_app';

export async function ensureAppRole(adminUrl: string, appPassword: string): Promise<void> {
  await withClient(withDatabase(adminUrl, 'postgres'), async (c) => {
    await c.query(`DO $$ BEGIN
        CREATE ROLE ${APP_ROLE} LOGIN;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    await c.query(`ALTER ROLE ${APP_ROLE} LOGIN PASSWORD ${quoteLiteral(appPassword)}`);
  });
}

export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  return withClient(withDatabase(adminUrl, 'postgres'), async (c) => {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return r.rowCount === 1;
  });
}

export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  await withClient(withDatabase(adminUrl, 'postgres'), async (c) => {
    const from = template ? ` TEMPLATE ${quoteIdent(template)}` : '';
    await c.query(`CREATE DATABASE ${quoteIdent(name)}${from}`);
    // Only the application role and the owner may connect; other tenants' roles may not.
    await c.query(`REVOKE CONNECT ON DATABASE ${quoteIdent(name)} FROM PUBLIC`);
    await c.query(`GRANT CONNECT ON DATABASE ${quoteIdent(name)} TO ${APP_ROLE}`);
  });
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(withDatabase(adminUrl, 'postgres'), async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  });
}
