import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInvestigation, withClient } from '../src/index.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestTenantDatabase();
  await withClient(db.adminUrl, async (c) => {
    await c.query(`INSERT INTO accounts (code, name, type) VALUES ('1000', 'Cash', 'ASSET')`);
    await c.query(
      `INSERT INTO audit_events (action, entity_type, entity_id) VALUES ('seeded', 'Thing', '1')`,
    );
  });
});
afterAll(() => db.drop());

/** Runs `statement` the way investigate(sql) does, as the application role switching to the investigator. */
const asInvestigator = (statement: string, limits = { timeoutMs: 5_000, maxRows: 100 }) =>
  withClient(db.appUrl, async (c) => (await runInvestigation(c, statement, limits)).rows);

/** The investigator's privileges alone, in a writable transaction: what the grants refuse by themselves. */
const asInvestigatorReadWrite = (statement: string) =>
  withClient(db.appUrl, async (c) => {
    await c.query('BEGIN');
    try {
      await c.query('SET LOCAL ROLE readonly_investigator');
      return (await c.query(statement)).rows;
    } finally {
      await c.query('ROLLBACK');
    }
  });

const accountCount = () =>
  withClient(db.adminUrl, async (c) => (await c.query('SELECT count(*)::int AS n FROM accounts')).rows[0].n);

describe('readonly_investigator', () => {
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
    await expect(asInvestigatorReadWrite(statement)).rejects.toThrow(/permission denied/);
    expect(await accountCount()).toBe(n);
  });

  it('cannot climb back to the application role within a read-only transaction', async () => {
    await expect(
      asInvestigator(
        `WITH x AS (INSERT INTO accounts (code, name, type) VALUES ('8', 'x', 'ASSET') RETURNING 1) SELECT * FROM x`,
      ),
    ).rejects.toThrow(/read-only transaction|permission denied/);
    await expect(asInvestigator('SET TRANSACTION READ WRITE')).rejects.toThrow(/read-write|read-only/);
    await expect(
      asInvestigator(`INSERT INTO accounts (code, name, type) VALUES ('7', 'x', 'ASSET')`),
    ).rejects.toThrow(/read-only transaction/);
    await expect(asInvestigator(`SELECT 1; DELETE FROM accounts`)).rejects.toThrow(/multiple commands/);
    expect(await accountCount()).toBe(1);
  });

  it('caps the rows and stops a long statement', async () => {
    const r = await withClient(db.appUrl, (c) =>
      runInvestigation(c, 'SELECT g, g::text AS t FROM generate_series(1, 1000000) g', {
        timeoutMs: 5_000,
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
    await expect(asInvestigator('SELECT pg_sleep(5)', { timeoutMs: 200, maxRows: 1 })).rejects.toThrow(
      /statement timeout/,
    );
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
