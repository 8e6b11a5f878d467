import { createTestTenantDatabase, type TestDatabase, testServerUrl } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ROLE,
  appLoginRole,
  ensureInvestigatorLogin,
  investigatorUrl,
  pg,
  withClient,
  withDatabase,
} from '../src/index.ts';

/**
 * Each client database has its own application login (docs/adr/0003). Proven in SQL, as client
 * A's logins: they reach A's database only, cannot become anyone else, and learn nothing about
 * client B — its name, its sessions, its statistics, its size — beyond the residue listed in
 * docs/architecture/tenancy.md.
 */
const SECRET = 'client-logins-investigator-secret';
let a: TestDatabase;
let b: TestDatabase;
let aInvestigator: string;
/** B at work: a session of B's own login inside a transaction, its last statement a marker. */
let bSession: pg.Client;
let bPid: number;
let bOid: number;

const admin = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  withClient(testServerUrl(), async (c) => (await c.query(sql, params)).rows as T[]);

const as = (url: string) => async (sql: string) => withClient(url, async (c) => (await c.query(sql)).rows);

beforeAll(async () => {
  a = await createTestTenantDatabase();
  b = await createTestTenantDatabase();
  await ensureInvestigatorLogin(testServerUrl(), a.name, SECRET);
  aInvestigator = investigatorUrl(testServerUrl(), a.name, SECRET);
  bSession = new pg.Client({ connectionString: b.appUrl, application_name: 'client-b-at-work' });
  bSession.on('error', () => undefined);
  await bSession.connect();
  await bSession.query('BEGIN');
  bPid = (await bSession.query<{ pid: number }>("SELECT pg_backend_pid() AS pid, 'b-secret-marker'")).rows[0]!
    .pid;
  bOid = (await admin<{ oid: number }>('SELECT oid::int FROM pg_database WHERE datname = $1', [b.name]))[0]!
    .oid;
});

afterAll(async () => {
  await bSession?.end().catch(() => undefined);
  await a?.drop();
  await b?.drop();
});

describe("a client's application login", () => {
  it('is its own role, inherits the privilege template, and may connect to its own database only', async () => {
    const role = appLoginRole(a.name);
    expect(role).toMatch(/^ca_[0-9a-f]{24}$/);
    expect(await as(a.appUrl)('SELECT current_user AS me')).toEqual([{ me: role }]);
    const [membership] = await admin(
      `SELECT array_agg(g.rolname::text) AS of, bool_and(m.inherit_option) AS inherits, bool_or(m.set_option) AS sets
         FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
        WHERE r.rolname = $1`,
      [role],
    );
    expect(membership).toEqual({ of: [APP_ROLE], inherits: true, sets: false });
    // Other tests create databases on this server meanwhile; a database is open to PUBLIC from its
    // CREATE until the REVOKE that follows it, so those are told apart (and the clients' checked).
    // They drop some too: by oid, a database gone since the list was read answers NULL, not an error.
    const reachable = await admin<{ datname: string; public: boolean }>(
      `SELECT datname, has_database_privilege('public', oid, 'CONNECT') AS public FROM pg_database
        WHERE datallowconn AND has_database_privilege($1, oid, 'CONNECT')`,
      [role],
    );
    expect(reachable.filter((r) => !r.public).map((r) => r.datname)).toEqual([a.name]);
    expect(reachable.filter((r) => [a.name, b.name, 'postgres', 'template1'].includes(r.datname))).toEqual([
      { datname: a.name, public: false },
    ]);
    const [attrs] = await admin(
      'SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = $1',
      [role],
    );
    expect(Object.values(attrs!)).toEqual([false, false, false, false, false]);
    expect(
      await admin(
        'SELECT count(*)::int AS n FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)',
        [role],
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('the shared privilege template cannot log in, and nothing the login is a member of reaches a database', async () => {
    expect(await admin('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [APP_ROLE])).toEqual([
      { rolcanlogin: false },
    ]);
    expect(
      await admin(
        `SELECT datname FROM pg_database WHERE has_database_privilege($1, oid, 'CONNECT') AND datallowconn
            AND datname <> ALL (SELECT datname FROM pg_database WHERE datacl IS NULL)`,
        [APP_ROLE],
      ),
    ).toEqual([]);
    // Every role A's login is a member of, directly or not, and whatever its options.
    const reached = await admin<{ rolname: string; databases: string[] }>(
      `SELECT r.rolname, array(SELECT d.datname::text FROM pg_database d
                                WHERE d.datallowconn AND has_database_privilege(r.oid, d.oid, 'CONNECT')
                                  AND NOT has_database_privilege('public', d.oid, 'CONNECT')) AS databases
         FROM pg_roles r WHERE pg_has_role($1, r.oid, 'MEMBER') AND r.rolname <> $1`,
      [appLoginRole(a.name)],
    );
    expect(reached.map((r) => r.rolname)).toContain(APP_ROLE);
    expect(reached.filter((r) => r.databases.length > 0)).toEqual([]);
  });

  it("cannot connect to B's database nor to the maintenance databases", async () => {
    for (const name of [b.name, 'postgres', 'template1']) {
      await expect(
        withClient(withDatabase(a.appUrl, name), (c) => c.query('SELECT 1')),
      ).rejects.toMatchObject({
        code: '42501',
      });
    }
  });

  it.each([
    'CREATE TEMP TABLE audit_chain_head (singleton boolean, chain_seq bigint, hash text)',
    'CREATE TEMPORARY TABLE journal_entries (id uuid)',
  ])(
    'makes no temporary table, which would stand in for the books in the database’s own functions: %s',
    async (statement) => {
      // The SECURITY DEFINER functions (the audit chain's among them) search a session's temporary
      // schema before public: a table of the caller's there would be read, or written, in place of
      // the client's own. Neither login may make one.
      await expect(as(a.appUrl)(statement)).rejects.toMatchObject({ code: '42501' });
      // The investigator's sessions are read-only besides (25006 first): the privilege itself.
      for (const url of [a.appUrl, aInvestigator]) {
        expect(
          await as(url)(
            `SELECT has_database_privilege(current_user, current_database(), 'TEMPORARY') AS temp`,
          ),
        ).toEqual([{ temp: false }]);
      }
    },
  );

  it.each([
    ['SET ROLE cifra_app'],
    ["SELECT set_config('role', 'cifra_app', false)"],
    ['SET SESSION AUTHORIZATION cifra_app'],
    ['SET ROLE pg_read_all_stats'],
    ['SET ROLE pg_signal_backend'],
    ['SET ROLE readonly_investigator'],
  ])('cannot become anyone else: %s', async (statement) => {
    const role = appLoginRole(b.name);
    await expect(as(a.appUrl)(statement)).rejects.toMatchObject({ code: '42501' });
    await expect(as(a.appUrl)(`SET ROLE ${role}`)).rejects.toMatchObject({ code: '42501' });
  });
});

/** What the catalog would tell about B: every one of these is refused to A's logins. */
const aboutB = () => [
  'SELECT datname FROM pg_database',
  'SELECT datname, xact_commit, tup_inserted, blks_read FROM pg_stat_database',
  'SELECT * FROM pg_stat_database_conflicts',
  `SELECT pid, datname, usename, query FROM pg_stat_activity WHERE pid = ${bPid}`,
  `SELECT pg_stat_get_backend_activity(s) FROM pg_stat_get_backend_idset() s`,
  `SELECT pg_stat_get_db_xact_commit(${bOid})`,
  `SELECT pg_stat_get_db_tuples_inserted(${bOid})`,
  'SELECT * FROM pg_locks',
  'SELECT * FROM pg_prepared_xacts',
  'SELECT rolname FROM pg_roles',
  'SELECT usename FROM pg_user',
  'SELECT * FROM pg_auth_members',
  'SELECT * FROM pg_shdepend',
  'SELECT * FROM pg_db_role_setting',
  `SELECT pg_database_size(${bOid})`,
  "SELECT pg_tablespace_size('pg_default')",
  'SELECT pg_current_wal_lsn()',
  `SELECT pg_terminate_backend(${bPid})`,
  `SELECT pg_cancel_backend(${bPid})`,
  `SELECT pg_blocking_pids(${bPid})`,
];

describe("what A's logins can learn about B", () => {
  it.each([
    ['application login', () => a.appUrl],
    ['investigator login', () => aInvestigator],
  ])('the %s is refused every catalog, statistic and signal that would tell', async (_, url) => {
    for (const statement of aboutB()) {
      const outcome = await as(url())(statement).then(
        (rows) => ({ statement, rows }),
        (err: { code?: string }) => ({ statement, code: err.code }),
      );
      expect(outcome).toEqual({ statement, code: '42501' });
    }
    // B is still at work, untouched.
    expect((await bSession.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('learns nothing from a guess but whether an exact 96-bit name exists: the documented residue', async () => {
    // has_database_privilege names a database; B's name is random, so guessing it is hopeless.
    expect(await as(a.appUrl)(`SELECT has_database_privilege('${b.name}', 'CONNECT') AS can`)).toEqual([
      { can: false },
    ]);
    // Transaction ids are server-wide: a client sees the server's write rate, not whose it is.
    expect((await as(a.appUrl)('SELECT pg_current_xact_id()::text AS x'))[0]).toHaveProperty('x');
  });
});
