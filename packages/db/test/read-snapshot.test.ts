import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inReadSnapshot, pg, tenantDb } from '../src/index.ts';

// inReadSnapshot: one connection, one read-only REPEATABLE READ snapshot for all of a report's reads
// (docs/architecture/posting.md, "Reports and exports").

let db: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  db = await createTestTenantDatabase();
  pool = new pg.Pool({ connectionString: db.adminUrl, max: 1 });
  await pool.query('CREATE TABLE snapshot_probe (n int)');
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const count = async (d: ReturnType<typeof tenantDb>) =>
  Number((await d.execute<{ n: string }>(sql`SELECT count(*) AS n FROM snapshot_probe`)).rows[0]?.n);

describe('inReadSnapshot', () => {
  it('reads every statement in one read-only snapshot, whatever commits between them', async () => {
    const other = new pg.Client({ connectionString: db.adminUrl });
    await other.connect();
    try {
      const seen = await inReadSnapshot(tenantDb(pool), async (snapshot) => {
        const first = await count(snapshot);
        await other.query('INSERT INTO snapshot_probe VALUES (1)');
        const second = await count(snapshot);
        const mode = await snapshot.execute<{ iso: string; ro: string }>(
          sql`SELECT current_setting('transaction_isolation') AS iso, current_setting('transaction_read_only') AS ro`,
        );
        return { first, second, ...mode.rows[0] };
      });
      expect(seen).toEqual({ first: 0, second: 0, iso: 'repeatable read', ro: 'on' });
      expect(await count(tenantDb(pool))).toBe(1);
    } finally {
      await other.end();
    }
  });

  it('runs on a connection already checked out as it is, inside its transaction', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO snapshot_probe VALUES (2)');
      expect(await inReadSnapshot(tenantDb(client), count)).toBe(2);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  it('gives the connection back, healthy, when the report refuses', async () => {
    const refusal = new Error('BAD_USER_INPUT');
    await expect(
      inReadSnapshot(tenantDb(pool), async (snapshot) => {
        await count(snapshot);
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    // A pool of one: the next caller gets the same connection, out of the failed transaction.
    expect([pool.totalCount, pool.idleCount]).toEqual([1, 1]);
    expect(await count(tenantDb(pool))).toBe(1);
  });
});
