import {
  APP_ROLE,
  CONTROL_APP_ROLE,
  controlDb,
  inTransaction,
  pg,
  recordAuditEvent,
  withClient,
  withCredentials,
  withDatabase,
} from '@cifra/db';
import {
  createTestControlDatabase,
  createTestTenantDatabase,
  type TestDatabase,
  testAppPassword,
} from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The services connect to the control plane as cifra_control_app, which owns nothing: proven here
 * in SQL, as that role, against a migrated control plane.
 */

let cp: TestDatabase;
let firmId: string;

const asControlApp = <T>(fn: (c: pg.Client) => Promise<T>) => withClient(cp.appUrl, fn);
const asOwner = <T>(fn: (c: pg.Client) => Promise<T>) => withClient(cp.adminUrl, fn);
const actor = { userId: null, email: 'ops@control.test', requestId: 'req-control-role' };

beforeAll(async () => {
  cp = await createTestControlDatabase();
  firmId = await asOwner(
    async (c) => (await c.query(`INSERT INTO firms (slug, name) VALUES ('f', 'F') RETURNING id`)).rows[0].id,
  );
});

afterAll(() => cp?.drop());

/** The SQLSTATE a statement fails with as cifra_control_app (null when it succeeds). */
const sqlState = (statement: string) =>
  asControlApp(async (c) => {
    try {
      await c.query(statement);
      return null;
    } catch (err) {
      return (err as { code?: string }).code ?? 'unknown';
    }
  });

describe('cifra_control_app', () => {
  it('connects as itself, is no superuser and cannot create databases or roles', async () => {
    const r = await asControlApp((c) =>
      c.query(
        `SELECT current_user AS me, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user`,
      ),
    );
    expect(r.rows[0]).toEqual({
      me: CONTROL_APP_ROLE,
      rolsuper: false,
      rolcreatedb: false,
      rolcreaterole: false,
    });
    expect(await sqlState('CREATE DATABASE not_allowed')).toBe('42501');
  });

  it('owns nothing in the control plane', async () => {
    const owned = await asOwner((c) =>
      c.query(
        `SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
          WHERE r.rolname = $1`,
        [CONTROL_APP_ROLE],
      ),
    );
    expect(owned.rows).toEqual([]);
  });

  it('writes audit events through the shared helper, chained, and reads them', async () => {
    const pool = new pg.Pool({ connectionString: cp.appUrl, max: 1 });
    try {
      const db = controlDb(pool);
      await inTransaction(db, actor, (tx) =>
        recordAuditEvent(tx, actor, {
          action: 'test.recorded',
          entityType: 'Firm',
          entityId: firmId,
          firmId,
        }),
      );
      const r = await pool.query(`SELECT chain_seq, firm_id, hash FROM audit_events`);
      expect(r.rows).toMatchObject([{ chain_seq: '1', firm_id: firmId }]);
      const v = await pool.query('SELECT * FROM cifra_verify_audit_chain()');
      expect(v.rows[0]).toMatchObject({ checked: '1', problem: null });
    } finally {
      await pool.end();
    }
  });

  it('cannot change, delete or empty audit events, nor move the chain head', async () => {
    expect(await sqlState(`UPDATE audit_events SET reason = 'rewritten'`)).toBe('42501');
    expect(await sqlState('DELETE FROM audit_events')).toBe('42501');
    expect(await sqlState('TRUNCATE audit_events')).toBe('42501');
    expect(await sqlState('UPDATE audit_chain_head SET chain_seq = 0')).toBe('42501');
    expect(await sqlState('DELETE FROM audit_chain_head')).toBe('42501');
    const n = await asOwner(
      async (c) => (await c.query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n,
    );
    expect(n).toBe(1);
  });

  it('cannot alter, drop or create tables, nor disable a trigger', async () => {
    expect(await sqlState('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only')).toBe('42501');
    expect(await sqlState('ALTER TABLE audit_events ADD COLUMN x int')).toBe('42501');
    expect(
      await sqlState('ALTER TABLE firm_memberships DISABLE TRIGGER firm_memberships_history_update'),
    ).toBe('42501');
    expect(await sqlState('DROP TABLE firm_settings_history')).toBe('42501');
    expect(await sqlState('CREATE TABLE sneaky (id int)')).toBe('42501');
    expect(await sqlState('CREATE FUNCTION sneaky() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$')).toBe(
      '42501',
    );
  });

  it('writes history only through the triggers, and reads it', async () => {
    expect(
      await sqlState(
        `INSERT INTO firms_history (hist_entity_id, valid_from, hist_operation, hist_db_role) VALUES ('x', now(), 'INSERT', 'me')`,
      ),
    ).toBe('42501');
    expect(await sqlState('UPDATE firms_history SET valid_to = now()')).toBe('42501');
    expect(await sqlState('DELETE FROM firms_history')).toBe('42501');
    // A change it may make is versioned by the triggers, as the database role that made it.
    await asControlApp((c) => c.query(`UPDATE firms SET name = 'Firm F' WHERE id = $1`, [firmId]));
    const r = await asControlApp((c) =>
      c.query(
        `SELECT hist_operation, name, hist_db_role FROM firms_history WHERE hist_entity_id = $1 ORDER BY hist_id`,
        [firmId],
      ),
    );
    expect(r.rows).toEqual([
      { hist_operation: 'INSERT', name: 'F', hist_db_role: expect.any(String) },
      { hist_operation: 'UPDATE', name: 'Firm F', hist_db_role: CONTROL_APP_ROLE },
    ]);
  });

  it('reads the directory and currencies but cannot change them', async () => {
    expect(await sqlState('SELECT admin_url FROM db_servers')).toBeNull();
    expect(await sqlState(`INSERT INTO db_servers (name, admin_url) VALUES ('x', 'postgres://x')`)).toBe(
      '42501',
    );
    expect(await sqlState(`UPDATE currencies SET minor_units = 3`)).toBe('42501');
    expect(await sqlState(`DELETE FROM users`)).toBe('42501');
  });

  it('may use the job queue table (Agenda) but not alter it', async () => {
    expect(await sqlState(`INSERT INTO agenda_jobs (name, next_run_at) VALUES ('probe', now())`)).toBeNull();
    expect(await sqlState(`UPDATE agenda_jobs SET priority = 1`)).toBeNull();
    expect(await sqlState(`DELETE FROM agenda_jobs`)).toBeNull();
    expect(await sqlState('ALTER TABLE agenda_jobs ADD COLUMN IF NOT EXISTS skip_days jsonb')).toBe('42501');
  });

  it('cannot connect to a client database, and no client login can connect here', async () => {
    const client = await createTestTenantDatabase();
    try {
      const asControlAppThere = withCredentials(client.adminUrl, CONTROL_APP_ROLE, testAppPassword);
      await expect(withClient(asControlAppThere, (c) => c.query('SELECT 1'))).rejects.toMatchObject({
        code: '42501',
      });
      const asClientLoginHere = withDatabase(client.appUrl, cp.name);
      await expect(withClient(asClientLoginHere, (c) => c.query('SELECT 1'))).rejects.toMatchObject({
        code: '42501',
      });
    } finally {
      await client.drop();
    }
    // The privilege template every client login inherits from cannot log in at all.
    const asTenantApp = withCredentials(cp.adminUrl, APP_ROLE, testAppPassword);
    const refused = await withClient(asTenantApp, (c) => c.query('SELECT 1')).catch((e) => e);
    expect(refused.code).toMatch(/^28/);
  });
});

describe('the directory is the operator’s', () => {
  let tenantId: string;
  beforeAll(async () => {
    tenantId = await asOwner(async (c) => {
      await c.query(
        `INSERT INTO currencies (code, numeric_code, name, minor_units) VALUES ('PAB', '590', 'Balboa', 2) ON CONFLICT DO NOTHING`,
      );
      const server = (
        await c.query(
          `INSERT INTO db_servers (name, admin_url) VALUES ('dir-test', 'postgres://h/db') RETURNING id`,
        )
      ).rows[0].id;
      return (
        await c.query(
          `INSERT INTO tenants (firm_id, slug, name, region, base_currency, timezone, server_id, database_name, status)
           VALUES ($1, 'dir-client', 'Dir', 'PA', 'PAB', 'America/Panama', $2, 'c_dir_test', 'ACTIVE') RETURNING id`,
          [firmId, server],
        )
      ).rows[0].id;
    });
  });

  it('lets the services set a client’s status and name, never its database, server, firm or slug', async () => {
    expect(
      await sqlState(`UPDATE tenants SET status = 'SUSPENDED', name = 'Dir 2' WHERE id = '${tenantId}'`),
    ).toBeNull();
    expect(await sqlState(`UPDATE tenants SET database_name = 'c_other' WHERE id = '${tenantId}'`)).toBe(
      '42501',
    );
    expect(await sqlState(`UPDATE tenants SET server_id = gen_random_uuid() WHERE id = '${tenantId}'`)).toBe(
      '42501',
    );
    expect(await sqlState(`UPDATE tenants SET firm_id = gen_random_uuid() WHERE id = '${tenantId}'`)).toBe(
      '42501',
    );
    expect(await sqlState(`UPDATE tenants SET slug = 'stolen' WHERE id = '${tenantId}'`)).toBe('42501');
  });

  it('refuses a repoint even through a column grant someone adds later; the owner may', async () => {
    await asOwner((c) => c.query(`GRANT UPDATE (database_name) ON tenants TO ${CONTROL_APP_ROLE}`));
    try {
      expect(await sqlState(`UPDATE tenants SET database_name = 'c_other' WHERE id = '${tenantId}'`)).toBe(
        '42501',
      );
    } finally {
      await asOwner((c) => c.query(`REVOKE UPDATE (database_name) ON tenants FROM ${CONTROL_APP_ROLE}`));
    }
    await asOwner((c) =>
      c.query(`UPDATE tenants SET database_name = 'c_dir_moved' WHERE id = $1`, [tenantId]),
    );
    const row = await asOwner(
      async (c) => (await c.query('SELECT database_name FROM tenants WHERE id = $1', [tenantId])).rows[0],
    );
    expect(row.database_name).toBe('c_dir_moved');
  });

  it('never deletes a live client, never turns one into a sandbox, and keeps a deleted one deleted', async () => {
    // Archiving is the services' to do, on any client.
    expect(await sqlState(`UPDATE tenants SET archived_at = now() WHERE id = '${tenantId}'`)).toBeNull();
    expect(await sqlState(`UPDATE tenants SET archived_at = NULL WHERE id = '${tenantId}'`)).toBeNull();
    // A live client is not DELETED (23514, the check), nor made a sandbox first (no grant: 42501).
    expect(await sqlState(`UPDATE tenants SET status = 'DELETED' WHERE id = '${tenantId}'`)).toBe('23514');
    expect(await sqlState(`UPDATE tenants SET sandbox = true WHERE id = '${tenantId}'`)).toBe('42501');
    const sandboxId = await asOwner(
      async (c) =>
        (
          await c.query(
            `INSERT INTO tenants (firm_id, slug, name, region, base_currency, timezone, server_id, database_name, status, sandbox)
             SELECT firm_id, 'dir-sandbox', 'Sandbox', region, base_currency, timezone, server_id, 'c_dir_sandbox', 'ACTIVE', true
               FROM tenants WHERE id = $1 RETURNING id`,
            [tenantId],
          )
        ).rows[0].id,
    );
    // Deleted only with its slug moved aside for the tombstone (23514 otherwise), and a live
    // client's slug is never changed by the services, nor a tombstone or deleted_slug set by hand.
    expect(
      await sqlState(`UPDATE tenants SET status = 'DELETED', deleted_at = now() WHERE id = '${sandboxId}'`),
    ).toBe('23514');
    expect(await sqlState(`UPDATE tenants SET slug = 'dir-renamed' WHERE id = '${sandboxId}'`)).toBe('42501');
    expect(await sqlState(`UPDATE tenants SET deleted_slug = 'dir-sandbox' WHERE id = '${sandboxId}'`)).toBe(
      '42501',
    );
    const tombstone = `~${sandboxId.replaceAll('-', '')}`;
    expect(
      await sqlState(
        `UPDATE tenants SET status = 'DELETED', deleted_at = now(), slug = 'dir-other', deleted_slug = slug WHERE id = '${sandboxId}'`,
      ),
    ).toBe('23514');
    expect(
      await sqlState(
        `UPDATE tenants SET status = 'DELETED', deleted_at = now(), slug = '${tombstone}', deleted_slug = 'not-its-slug' WHERE id = '${sandboxId}'`,
      ),
    ).toBe('42501');
    expect(
      await sqlState(
        `UPDATE tenants SET status = 'DELETED', deleted_at = now(), slug = '${tombstone}', deleted_slug = slug WHERE id = '${sandboxId}'`,
      ),
    ).toBeNull();
    expect(await sqlState(`UPDATE tenants SET status = 'ACTIVE' WHERE id = '${sandboxId}'`)).toBe('42501');
    expect(
      await sqlState(`UPDATE tenants SET deleted_slug = 'dir-sandbox-2' WHERE id = '${sandboxId}'`),
    ).toBe('42501');
    // Its slug is free again: another client takes it.
    expect(
      await asOwner(
        async (c) =>
          (
            await c.query(
              `INSERT INTO tenants (firm_id, slug, name, region, base_currency, timezone, server_id, database_name)
             SELECT firm_id, 'dir-sandbox', 'Again', region, base_currency, timezone, server_id, 'c_dir_again'
               FROM tenants WHERE id = $1 RETURNING slug`,
              [tenantId],
            )
          ).rows[0].slug,
      ),
    ).toBe('dir-sandbox');
  });

  it('keeps NoAccess a client-level role: a firm-wide NoAccess is refused', async () => {
    const state = await asOwner(async (c) => {
      const user = (
        await c.query(`INSERT INTO users (email, display_name) VALUES ('nowall@x.test', 'N') RETURNING id`)
      ).rows[0].id;
      try {
        await c.query(
          `INSERT INTO firm_memberships (firm_id, user_id, firm_role) VALUES ($1, $2, 'NoAccess')`,
          [firmId, user],
        );
        return null;
      } catch (err) {
        return (err as { code?: string }).code;
      }
    });
    expect(state).toBe('23514');
  });
});
