import { createTestTenantDatabase, type TestDatabase, testServerUrl } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_INVESTIGATION_LIMITS,
  ensureInvestigatorLogin,
  investigatorUrl,
  NotAQuery,
  pg,
  runInvestigation,
  withClient,
} from '../src/index.ts';

/**
 * A client's investigator login, proven in SQL as that login: it reads its own client's books,
 * history and audit trail, and nothing it can run reaches anything else — no role switch, no
 * other session's statement, no signal to any backend, no other database.
 */
const SECRET = 'investigator-test-secret';
let db: TestDatabase;
let other: TestDatabase;
let url: string;
let role: string;

beforeAll(async () => {
  db = await createTestTenantDatabase();
  other = await createTestTenantDatabase();
  role = await ensureInvestigatorLogin(testServerUrl(), db.name, SECRET);
  await ensureInvestigatorLogin(testServerUrl(), other.name, SECRET);
  url = investigatorUrl(testServerUrl(), db.name, SECRET);
  await withClient(db.adminUrl, async (c) => {
    await c.query(`INSERT INTO accounts (code, name, type) VALUES ('1000', 'Cash', 'ASSET')`);
    await c.query(
      `INSERT INTO audit_events (action, entity_type, entity_id) VALUES ('seeded', 'Thing', '1')`,
    );
  });
});
afterAll(async () => {
  await db.drop();
  await other.drop();
});

const limits = { ...DEFAULT_INVESTIGATION_LIMITS, timeoutMs: 5_000, maxRows: 100 };
/** Runs `statement` the way investigate(sql) does: as the client's investigator login. */
const asInvestigator = (statement: string, l = limits) =>
  withClient(url, async (c) => (await runInvestigation(c, statement, l)).rows);

/** The login's privileges alone, outside the read-only transaction: what the grants refuse by themselves. */
const asLoginReadWrite = (statement: string) => withClient(url, async (c) => (await c.query(statement)).rows);

/**
 * `fn` with set_config open to the login, as it is where tenant migration 0051 could not close it
 * (a migrating role that is no superuser): what holds then holds without it.
 */
async function withSetConfigOpen<T>(fn: () => Promise<T>): Promise<T> {
  const grant = (verb: 'GRANT' | 'REVOKE', dir: 'TO' | 'FROM') =>
    withClient(db.adminUrl, (c) =>
      c.query(`${verb} EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) ${dir} ${role}`),
    );
  await grant('GRANT', 'TO');
  try {
    return await fn();
  } finally {
    await grant('REVOKE', 'FROM');
  }
}

const accountCount = () =>
  withClient(db.adminUrl, async (c) => (await c.query('SELECT count(*)::int AS n FROM accounts')).rows[0].n);

describe("a client's investigator login", () => {
  it('says nothing about the client in its name, and is member of no role', async () => {
    expect(role).toMatch(/^ix_[0-9a-f]{24}$/);
    expect(role).not.toContain(db.name);
    const memberships = await withClient(
      testServerUrl(),
      async (c) =>
        (
          await c.query(
            'SELECT count(*)::int AS n FROM pg_auth_members WHERE member = (SELECT oid FROM pg_roles WHERE rolname = $1)',
            [role],
          )
        ).rows[0].n,
    );
    expect(memberships).toBe(0);
  });

  it.each([
    ['SELECT code FROM accounts'],
    ['SELECT count(*) FROM accounts_history'],
    ['SELECT action FROM audit_events'],
    ['SELECT chain_seq FROM audit_chain_head'],
    ['SELECT * FROM cifra_verify_audit_chain()'],
  ])('reads: %s', async (statement) => {
    expect((await asInvestigator(statement)).length).toBeGreaterThan(0);
  });

  it.each([
    `INSERT INTO accounts (code, name, type) VALUES ('9', 'x', 'ASSET')`,
    `UPDATE accounts SET name = 'x'`,
    `DELETE FROM accounts`,
    `CREATE TABLE scratch (x int)`,
  ])('is refused by the database even outside a read-only transaction: %s', async (statement) => {
    const n = await accountCount();
    await expect(asLoginReadWrite(`BEGIN READ WRITE; ${statement}`)).rejects.toThrow(
      /permission denied|read-only/,
    );
    expect(await accountCount()).toBe(n);
  });

  it.each([
    ['SELECT pg_advisory_xact_lock(1128681554, 20454)'],
    ['SELECT pg_advisory_lock(42)'],
    ['SELECT pg_try_advisory_xact_lock_shared(1)'],
    ['SELECT cifra_hold_periods(ARRAY(SELECT id FROM posting_periods), true)'],
    ["SELECT cifra_bank_entry_lock('00000000-0000-4000-8000-000000000000')"],
  ])('takes no advisory lock (the postings’ period gates among them): %s', async (statement) => {
    await expect(asInvestigator(statement)).rejects.toThrow(/permission denied/);
  });

  it.each([
    ["SELECT set_config('role', 'cifra_app', false), current_user"],
    ['SET ROLE cifra_app'],
    ['SET ROLE readonly_investigator'],
    ['SET SESSION AUTHORIZATION cifra_app'],
    ["SELECT set_config('session_authorization', 'cifra_app', false)"],
  ])(
    'cannot become anyone else, even with set_config open and in a session of its own: %s',
    async (statement) => {
      await expect(asInvestigator(statement)).rejects.toThrow(
        /permission denied|must be|not permitted|runs one query/,
      );
      await withSetConfigOpen(() =>
        expect(asLoginReadWrite(statement)).rejects.toThrow(/permission denied|must be|not permitted/),
      );
    },
  );

  it('sees no other session’s statement and cannot signal any backend', async () => {
    const bystander = new pg.Client({ connectionString: other.appUrl, application_name: 'bystander' });
    await bystander.connect();
    try {
      const running = bystander.query("SELECT pg_sleep(2), 'secret-marker'");
      const [pid] = (await withClient(other.adminUrl, async (c) => {
        for (let i = 0; i < 100; i++) {
          const r = await c.query(
            `SELECT pid FROM pg_stat_activity WHERE application_name = 'bystander' AND state = 'active'`,
          );
          if (r.rowCount) return [r.rows[0].pid as number];
          await new Promise((res) => setTimeout(res, 20));
        }
        return [0];
      })) as [number];
      expect(pid).toBeGreaterThan(0);
      // The server's sessions are closed to the client's logins altogether (tenant migration 0024).
      await expect(asInvestigator(`SELECT query FROM pg_stat_activity WHERE pid = ${pid}`)).rejects.toThrow(
        /permission denied/,
      );
      await expect(asInvestigator(`SELECT pg_terminate_backend(${pid})`)).rejects.toThrow(
        /permission denied|must be/,
      );
      await expect(asInvestigator(`SELECT pg_cancel_backend(${pid})`)).rejects.toThrow(
        /permission denied|must be/,
      );
      await running;
    } finally {
      await bystander.end();
    }
  });

  it('cannot connect to another client’s database, nor to the maintenance databases', async () => {
    for (const name of [other.name, 'postgres', 'template1']) {
      const c = new pg.Client({ connectionString: url.replace(`/${db.name}`, `/${name}`) });
      c.on('error', () => undefined);
      await expect(c.connect()).rejects.toThrow(/permission denied|not permitted|does not exist/);
      await c.end().catch(() => undefined);
    }
  });

  it('caps the rows, the bytes of the answer and the time a statement runs', async () => {
    const r = await withClient(url, (c) =>
      runInvestigation(c, 'SELECT g, g::text AS t FROM generate_series(1, 1000000) g', {
        ...limits,
        maxRows: 3,
      }),
    );
    expect(r).toEqual({
      columns: ['g', 't'],
      rows: [
        [1, '1'],
        [2, '2'],
        [3, '3'],
      ],
      rowCount: 3,
      truncated: true,
    });
    await expect(
      asInvestigator("SELECT repeat('x', 200000) FROM generate_series(1, 40)", {
        ...limits,
        maxBytes: 1_000_000,
      }),
    ).rejects.toMatchObject({
      code: 'INVESTIGATION_TOO_LARGE',
    });
    await expect(
      asInvestigator('SELECT pg_sleep(5)', { ...limits, timeoutMs: 200, maxRows: 1 }),
    ).rejects.toMatchObject({ name: 'Error', code: '57014', timeoutMs: 200 });
  });

  it.each([["set_config('statement_timeout', '0', true)"], ["set_config('statement_timeout', '0', false)"]])(
    'holds its time bound across the cursor’s fetches whatever the statement sets: %s',
    async (setting) => {
      // The rows are read 50 at a time, each read a FETCH of its own: what the statement sets on its
      // first row is in force for the next read. It took 20 × 2 s and answered; it is cut at the bound.
      const statement = `SELECT g, CASE WHEN g = 1 THEN ${setting} END,
      CASE WHEN g > 50 THEN pg_sleep(2)::text END FROM generate_series(1, 70) g`;
      await withSetConfigOpen(() =>
        withClient(url, async (c) => {
          const pid = (c as unknown as { processID: number }).processID;
          await expect(runInvestigation(c, statement, { ...limits, timeoutMs: 500 })).rejects.toMatchObject({
            code: '57014',
          });
          // Nothing of the statement is left running, and the session holds no snapshot.
          const [session] = await withClient(
            db.adminUrl,
            async (admin) =>
              (
                await admin.query(
                  'SELECT state, backend_xmin IS NULL AS "noSnapshot" FROM pg_stat_activity WHERE pid = $1',
                  [pid],
                )
              ).rows,
          );
          expect(session).toEqual({ state: 'idle', noSnapshot: true });
        }),
      );
    },
  );

  it('cuts the connection when the statement has not stopped a grace after its cancel', async () => {
    const statement = `SELECT g, CASE WHEN g = 1 THEN set_config('statement_timeout', '0', true) END,
      CASE WHEN g > 50 THEN pg_sleep(30)::text END FROM generate_series(1, 70) g`;
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => undefined);
    await c.connect();
    const pid = (c as unknown as { processID: number }).processID;
    // The cancel goes nowhere (no server listens there), as if the server had not acted on it.
    c.port = 1;
    await withClient(db.adminUrl, (admin) =>
      admin.query(`GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO ${role}`),
    );
    try {
      const started = performance.now();
      await expect(runInvestigation(c, statement, { ...limits, timeoutMs: 300 })).rejects.toMatchObject({
        code: '57014',
        timeoutMs: 300,
      });
      // Bounded far above the deadline and its grace, far below the statement's ten minutes.
      expect(performance.now() - started).toBeLessThan(60_000);
    } finally {
      await c.end().catch(() => undefined);
      // The backend stops when it next writes to the connection; not waited for here.
      await withClient(db.adminUrl, async (admin) => {
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await admin.query(
          `REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM ${role}`,
        );
      });
    }
  });

  it('answers NaN and the infinities as their text, not as null', async () => {
    expect(
      await asInvestigator(
        "SELECT 'NaN'::float8 AS a, '-Infinity'::float8 AS b, 'infinity'::timestamptz AS c, 1.5::float8 AS d",
      ),
    ).toEqual([['NaN', '-Infinity', 'Infinity', 1.5]]);
  });

  it('refuses one value wider than the answer may be before reading it, however wide', async () => {
    // One row of 2 MB against a 1 MB answer: refused from the row's header, not after reading it.
    await expect(
      asInvestigator("SELECT repeat('x', 2000000)", { ...limits, maxBytes: 1_000_000 }),
    ).rejects.toMatchObject({ code: 'INVESTIGATION_TOO_LARGE' });
    // Past what a string of this process can hold (about 537 million characters): the driver
    // would throw in its socket handler and stop the process; here it is an ordinary refusal.
    // (A generous timeout: the server builds the value first, slowly on a busy machine.)
    await expect(
      asInvestigator("SELECT repeat('x', 600000000)", { ...limits, timeoutMs: 120_000 }),
    ).rejects.toMatchObject({
      code: 'INVESTIGATION_TOO_LARGE',
    });
    // And the login answers the next statement as before.
    expect(await asInvestigator('SELECT 1 AS one')).toEqual([[1]]);
  });

  it('refuses COPY as no query, and the process answers the next statement', async () => {
    // COPY … TO STDOUT runs in a read-only transaction; the driver used to throw on its first copy
    // message inside its socket handler, which stopped the process. It is no query: refused unsent
    // (the cursor would still cut its connection at a copy message).
    for (const copy of [
      'COPY (SELECT 1) TO STDOUT',
      'COPY audit_events TO STDOUT',
      'COPY (SELECT 1) TO STDOUT (FORMAT binary)',
      "COPY (SELECT repeat('x', 1000) FROM generate_series(1, 1000000)) TO STDOUT",
    ]) {
      await expect(asInvestigator(copy)).rejects.toBeInstanceOf(NotAQuery);
    }
    // Copying in needs a write the login holds on nothing.
    await expect(asInvestigator('COPY accounts FROM STDIN')).rejects.toBeInstanceOf(NotAQuery);
    await expect(asLoginReadWrite('BEGIN READ WRITE; COPY accounts FROM STDIN')).rejects.toThrow(
      /permission denied/,
    );
    expect(await asInvestigator('SELECT 1 AS one')).toEqual([[1]]);
  });

  it('reads numeric arrays and the numbers inside json and jsonb exactly, as decimal text', async () => {
    expect(
      await asInvestigator(`SELECT '{12345678901234567.89, 0.10, NULL}'::numeric[] AS a,
        '{{1.10, 2}, {3, 4.000}}'::numeric[] AS b,
        jsonb_build_object('amount', 12345678901234567.89::numeric, 'n', 3) AS c,
        '{"b": 1.10, "list": [0.1, 1e2, -0]}'::json AS d,
        ARRAY['{"x": 1.10}'::jsonb, NULL] AS e,
        12.50::numeric AS f, 7 AS g`),
    ).toEqual([
      [
        ['12345678901234567.89', '0.10', null],
        [
          ['1.10', '2'],
          ['3', '4.000'],
        ],
        { amount: '12345678901234567.89', n: '3' },
        { b: '1.10', list: ['0.1', '1e2', '-0'] },
        [{ x: '1.10' }, null],
        '12.50',
        7,
      ],
    ]);
  });

  it('reads tables created later by the migration role (default privileges)', async () => {
    await withClient(db.adminUrl, (c) =>
      c.query(`CREATE TABLE later_table (x int); INSERT INTO later_table VALUES (1)`),
    );
    expect(await asInvestigator('SELECT x FROM later_table')).toEqual([[1]]);
  });

  it('does not read the migration bookkeeping', async () => {
    await expect(asInvestigator('SELECT * FROM drizzle.__drizzle_migrations')).rejects.toThrow(
      /permission denied/,
    );
  });
});
