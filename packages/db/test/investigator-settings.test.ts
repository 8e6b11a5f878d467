import { createTestTenantDatabase, type TestDatabase, testServerUrl } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_INVESTIGATION_LIMITS,
  ensureInvestigatorLogin,
  INVESTIGATOR_TEMP_FILE_LIMIT,
  investigatorUrl,
  NotAQuery,
  quoteIdent,
  runInvestigation,
  translateDbError,
  withClient,
} from '../src/index.ts';

/**
 * An investigation runs with the settings its login connected with: it cannot raise `work_mem`
 * or any other setting for its own statement (tenant migration 0051 closes set_config to it; SET
 * and DO are no query), and its temporary files are bounded by a `temp_file_limit` only a
 * superuser may change.
 */
const SECRET = 'investigator-settings-secret';
let db: TestDatabase;
let url: string;
let role: string;

beforeAll(async () => {
  db = await createTestTenantDatabase();
  role = await ensureInvestigatorLogin(testServerUrl(), db.name, SECRET);
  url = investigatorUrl(testServerUrl(), db.name, SECRET);
});
afterAll(() => db.drop());

const limits = { ...DEFAULT_INVESTIGATION_LIMITS, timeoutMs: 10_000, maxRows: 100 };
const asInvestigator = (statement: string) =>
  withClient(url, async (c) => (await runInvestigation(c, statement, limits)).rows);
/** The login's own session, outside any investigation: what PostgreSQL itself lets it change. */
const asLogin = (statement: string) => withClient(url, async (c) => (await c.query(statement)).rows);

describe("an investigation's settings", () => {
  it.each([
    ["SELECT set_config('work_mem', '1GB', true), current_setting('work_mem')"],
    ["SELECT pg_catalog.set_config('hash_mem_multiplier', '1000', false)"],
    [`SELECT "set_config"('maintenance_work_mem', '2GB', true)`],
    ["SELECT set_config('statement_timeout', '0', true)"],
    ["SELECT set_config('idle_in_transaction_session_timeout', '0', true)"],
    ["SELECT set_config('lock_timeout', '0', true)"],
    ["SELECT set_config('max_parallel_workers_per_gather', '64', true)"],
    ["WITH s AS MATERIALIZED (SELECT set_config('work_mem', '1GB', true) AS v) SELECT v FROM s"],
    // Any query text, run inside the statement: refused all the same, by privilege.
    ["SELECT query_to_xml('SELECT set_config(''work_mem'', ''1GB'', true)', true, true, '')"],
  ])('cannot set anything through set_config: %s', async (statement) => {
    await expect(asInvestigator(statement)).rejects.toThrow(/permission denied for function set_config/);
  });

  it.each([
    ["SET work_mem = '1GB'"],
    ['SET LOCAL hash_mem_multiplier = 1000'],
    ['RESET ALL'],
    ["DO $$ BEGIN SET work_mem = '1GB'; PERFORM count(*) FROM generate_series(1, 10); END $$"],
    ["/* a comment */ DO $$ BEGIN SET LOCAL work_mem = '1GB'; END $$"],
    ["-- SELECT\nSET work_mem = '1GB'"],
    // PostgreSQL nests block comments: the SELECT is inside one, the DO is the statement.
    ["/* /* */ SELECT */ DO $$ BEGIN SET work_mem = '1GB'; END $$"],
    ["(SET work_mem = '1GB')"],
    ['SET temp_file_limit = -1'],
    ["ALTER ROLE CURRENT_USER SET work_mem = '1GB'"],
    ['CALL nothing()'],
    ['selectx 1'],
  ])('runs no command but a query: %s', async (statement) => {
    await expect(asInvestigator(statement)).rejects.toBeInstanceOf(NotAQuery);
  });

  it.each([
    ['  (SELECT 1)'],
    ['/* a /* nested */ comment */ select 1'],
    ['-- a comment\nWITH x AS (SELECT 1) SELECT * FROM x'],
    ['VALUES (1)'],
    ['TABLE posting_periods'],
    ['EXPLAIN SELECT 1'],
  ])('runs a query however it begins: %s', async (statement) => {
    await expect(asInvestigator(statement)).resolves.toBeInstanceOf(Array);
  });

  it.each([['DELETE FROM accounts'], ["/* a write */ UPDATE accounts SET name = 'x'"]])(
    'sends a write for the database to refuse it: %s',
    async (statement) => {
      await expect(asInvestigator(statement)).rejects.toMatchObject({ code: '25006' });
    },
  );

  it('runs with the settings its login connected with, temp_file_limit its own', async () => {
    const [server] = await withClient(
      db.adminUrl,
      async (c) => (await c.query(`SELECT current_setting('work_mem') AS w`)).rows,
    );
    expect(
      await asInvestigator(`SELECT current_setting('work_mem'), current_setting('temp_file_limit')`),
    ).toEqual([[server.w, INVESTIGATOR_TEMP_FILE_LIMIT]]);
  });

  it.each([
    ['SET temp_file_limit = -1'],
    ["SELECT set_config('temp_file_limit', '-1', false)"],
    ["BEGIN READ WRITE; ALTER ROLE CURRENT_USER SET temp_file_limit = '-1'"],
    ['BEGIN READ WRITE; ALTER ROLE CURRENT_USER RESET temp_file_limit'],
  ])('cannot lift its temp_file_limit even in a session of its own: %s', async (statement) => {
    await expect(asLogin(statement)).rejects.toThrow(/permission denied/);
    expect(await asInvestigator(`SELECT current_setting('temp_file_limit')`)).toEqual([
      [INVESTIGATOR_TEMP_FILE_LIMIT],
    ]);
  });

  it('plans no parallel worker: its limits are those of one process', async () => {
    // Parallel plans made as cheap as can be, for the login and for the server's admin alike.
    const cheap = ['parallel_setup_cost = 0', 'parallel_tuple_cost = 0', 'min_parallel_table_scan_size = 0'];
    const count = 'EXPLAIN SELECT count(*) FROM audit_events';
    await withClient(testServerUrl(), async (c) => {
      for (const setting of cheap) await c.query(`ALTER ROLE ${quoteIdent(role)} SET ${setting}`);
    });
    try {
      const plan = (rows: unknown[][]) => rows.map((r) => String(r[0])).join('\n');
      // What the server would plan for anyone else: a Gather over parallel workers.
      const admin = await withClient(db.adminUrl, async (c) => {
        for (const setting of cheap) await c.query(`SET ${setting}`);
        return (await c.query({ text: count, rowMode: 'array' })).rows;
      });
      expect(plan(admin)).toMatch(/Gather/);
      expect(await asInvestigator(`SELECT current_setting('max_parallel_workers_per_gather')`)).toEqual([
        ['0'],
      ]);
      expect(plan(await asInvestigator(count))).not.toMatch(/Gather|Parallel/);
    } finally {
      await withClient(testServerUrl(), async (c) => {
        for (const setting of cheap)
          await c.query(`ALTER ROLE ${quoteIdent(role)} RESET ${setting.split(' ')[0]}`);
      });
    }
  });

  it('refuses a query past its temporary disk space as QUERY_DISK_LIMIT', async () => {
    // The same bound, smaller, so that the test writes 1 MB rather than 256 MB.
    const setLimit = (limit: string) =>
      withClient(testServerUrl(), (c) =>
        c.query(`ALTER ROLE ${quoteIdent(role)} SET temp_file_limit = '${limit}'`),
      );
    await setLimit('1MB');
    try {
      const failure = await asInvestigator(
        'SELECT count(*) FROM (SELECT g FROM generate_series(1, 500000) g ORDER BY g DESC) s',
      ).catch((err: unknown) => err);
      expect(translateDbError(failure)).toMatchObject({
        code: 'QUERY_DISK_LIMIT',
        details: { limitKb: 1024, sqlState: '53400' },
      });
    } finally {
      await ensureInvestigatorLogin(testServerUrl(), db.name, SECRET);
    }
    expect(await asInvestigator(`SELECT current_setting('temp_file_limit')`)).toEqual([
      [INVESTIGATOR_TEMP_FILE_LIMIT],
    ]);
  });
});
