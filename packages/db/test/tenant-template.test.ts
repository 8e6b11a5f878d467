import { randomBytes } from 'node:crypto';
import { TENANT_TEMPLATE, testServerUrl } from '@cifra/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { withClient } from '../src/pg.ts';
import { dropDatabase } from '../src/servers.ts';
import {
  createTenantDatabase,
  dropStaleTenantTemplates,
  ensureTenantTemplate,
  TEMPLATE_PREFIX,
  tenantTemplateName,
} from '../src/tenant-template.ts';
import { withDatabase } from '../src/url.ts';

/**
 * Client databases are copies of a migrated template (packages/db/src/tenant-template.ts): one per
 * server and migration state, built once however many provision at once, sealed against
 * connections, and the same, object for object, as a database migrated from nothing.
 */
const copies: string[] = [];
afterAll(async () => {
  for (const name of copies) await dropDatabase(testServerUrl(), name);
});

const onServer = <T>(sql: string, params: unknown[] = []) =>
  withClient(
    withDatabase(testServerUrl(), 'postgres'),
    async (c) => (await c.query(sql, params)).rows as T[],
  );

/** What a client database holds, object by object: tables and columns, functions, triggers, grants, migrations. */
async function fingerprint(database: string): Promise<Record<string, unknown[]>> {
  return withClient(withDatabase(testServerUrl(), database), async (c) => {
    const rows = async (sql: string) => (await c.query(sql)).rows;
    return {
      columns: await rows(`SELECT table_name, column_name, data_type, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`),
      functions: await rows(`SELECT p.proname, md5(p.prosrc) AS body FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY 1, 2`),
      triggers: await rows(`SELECT tgrelid::regclass::text AS on_table, tgname, tgenabled FROM pg_trigger
        WHERE NOT tgisinternal ORDER BY 1, 2`),
      grants: await rows(`SELECT table_name, grantee, privilege_type FROM information_schema.role_table_grants
        WHERE table_schema = 'public' ORDER BY 1, 2, 3`),
      migrations: await rows('SELECT hash FROM drizzle.__drizzle_migrations ORDER BY id'),
    };
  });
}

describe('the tenant template', () => {
  it('is built once however many ask at once, and sealed against connections', async () => {
    const names = await Promise.all(Array.from({ length: 4 }, () => ensureTenantTemplate(testServerUrl())));
    expect(new Set(names)).toEqual(new Set([tenantTemplateName()]));
    const [row] = await onServer<{ datistemplate: boolean; datallowconn: boolean }>(
      'SELECT datistemplate, datallowconn FROM pg_database WHERE datname = $1',
      [tenantTemplateName()],
    );
    expect(row).toEqual({ datistemplate: true, datallowconn: false });
    const building = await onServer(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [
      `${TEMPLATE_PREFIX}building_`,
    ]);
    expect(building).toEqual([]);
    await expect(
      withClient(withDatabase(testServerUrl(), tenantTemplateName()), (c) => c.query('SELECT 1')),
    ).rejects.toThrow(/not currently accepting connections/);
  });

  it('gives client databases (createTenantDatabase) identical to one migrated from nothing, closed to PUBLIC', async () => {
    const copy = `tpl_copy_${randomBytes(4).toString('hex')}`;
    copies.push(copy);
    await createTenantDatabase(testServerUrl(), copy);
    const [open] = await onServer<{ open: boolean }>(
      `SELECT has_database_privilege('public', $1, 'CONNECT') AS open`,
      [copy],
    );
    expect(open).toEqual({ open: false });
    const [ours, fresh] = await Promise.all([fingerprint(copy), fingerprint(TENANT_TEMPLATE)]);
    expect(ours.migrations?.length ?? 0).toBeGreaterThan(20);
    expect(ours).toEqual(fresh);
  });

  it('is rebuilt under a new name when the migrations change, and the stale ones are dropped', async () => {
    const other = await ensureTenantTemplate(testServerUrl(), 'test0000stale0000000');
    expect(other).toBe(`${TEMPLATE_PREFIX}test0000stale0000000`);
    expect(other).not.toBe(tenantTemplateName());
    await dropStaleTenantTemplates(testServerUrl());
    // (Another suite on this server may drop it first: what counts is that it is gone.)
    const left = (
      await onServer<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [
        TEMPLATE_PREFIX,
      ])
    ).map((r) => r.datname);
    expect(left).toContain(tenantTemplateName());
    expect(left).not.toContain(other);
  });
});
