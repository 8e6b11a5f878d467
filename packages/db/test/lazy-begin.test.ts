import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardPool, pg, tenantDb } from '../src/index.ts';
import { inLazyTransaction } from '../src/lazy-begin.ts';

/**
 * A group commit's transaction sends its BEGIN with its first statement (`lazyBegin`): one round
 * trip fewer a group. What must hold: every statement still runs inside the transaction, whatever
 * protocol the first one goes by; the results are the statements' own; a transaction that sends
 * nothing sends nothing; a failure rolls back and leaves the connection clean; a lost connection is
 * dropped from the pool, not handed out again.
 */
let db: TestDatabase;
let pool: pg.Pool;
/** The texts the pool's connections were sent, in order. */
const sent: string[] = [];

beforeAll(async () => {
  db = await createTestTenantDatabase();
  pool = guardPool(new pg.Pool({ connectionString: db.adminUrl, max: 1 }));
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
      const first = args[0] as string | { text: string };
      sent.push(typeof first === 'string' ? first : first.text);
      return query(...args);
    };
  });
  await pool.query('CREATE TABLE lazy_rows (n integer PRIMARY KEY)');
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const tdb = () => tenantDb(pool);
const rowsIn = async () => (await pool.query('SELECT n FROM lazy_rows ORDER BY n')).rows.map((r) => r.n);
const xact = 'SELECT pg_current_xact_id()::text AS x, now()::text AS t';

describe('a transaction whose BEGIN rides with its first statement', () => {
  it('sends BEGIN in the first simple query, and runs every statement in one transaction', async () => {
    sent.length = 0;
    const [first, second] = await inLazyTransaction(tdb(), async (tx) => {
      const a = await tx.execute(sql.raw(xact));
      const b = await tx.execute(sql`SELECT pg_current_xact_id()::text AS x, now()::text AS t`);
      return [a.rows[0], b.rows[0]];
    });
    expect(first).toEqual(second);
    expect(sent[0]).toBe(`BEGIN;\n${xact}`);
    expect(sent.filter((s) => /^begin$/i.test(s))).toEqual([]);
    expect(sent.at(-1)).toBe('commit');
  });

  it('answers a query of several statements with their own results, without the BEGIN', async () => {
    const results = await inLazyTransaction(tdb(), async (tx) => {
      const many = (await tx.execute(sql.raw('SELECT 1 AS a; SELECT 2 AS b, 3 AS c'))) as unknown as {
        rows: unknown[];
      }[];
      return many.map((r) => r.rows);
    });
    expect(results).toEqual([[{ a: 1 }], [{ b: 2, c: 3 }]]);
  });

  it('sends BEGIN alone before a first statement with parameters, and still commits it', async () => {
    sent.length = 0;
    await inLazyTransaction(tdb(), async (tx) => {
      await tx.execute(sql`INSERT INTO lazy_rows VALUES (${1})`);
      await tx.execute(sql`INSERT INTO lazy_rows VALUES (${2})`);
    });
    expect(sent.slice(0, 2)).toEqual(['BEGIN', 'INSERT INTO lazy_rows VALUES ($1)']);
    expect(await rowsIn()).toEqual([1, 2]);
  });

  it('rolls back everything on a refusal after its first statement', async () => {
    const refusal = new Error('refused');
    await expect(
      inLazyTransaction(tdb(), async (tx) => {
        await tx.execute(sql.raw('INSERT INTO lazy_rows VALUES (3)'));
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect(await rowsIn()).toEqual([1, 2]);
  });

  it('rolls back when the first statement itself fails, leaving the connection out of any transaction', async () => {
    await expect(
      inLazyTransaction(tdb(), async (tx) => {
        await tx.execute(sql.raw('INSERT INTO lazy_rows VALUES (4); INSERT INTO lazy_rows VALUES (1)'));
      }),
    ).rejects.toMatchObject({ cause: { code: '23505' } });
    expect(await rowsIn()).toEqual([1, 2]);
    // The pool's one connection: outside a transaction, so this is committed at once.
    await pool.query('INSERT INTO lazy_rows VALUES (5)');
    expect((await pool.query('SELECT pg_current_xact_id_if_assigned() AS x')).rows[0].x).toBeNull();
    expect(await rowsIn()).toEqual([1, 2, 5]);
  });

  it('sends nothing at all for a transaction that sends nothing', async () => {
    sent.length = 0;
    expect(await inLazyTransaction(tdb(), async () => 'nothing asked')).toBe('nothing asked');
    await expect(
      inLazyTransaction(tdb(), async () => {
        throw new Error('refused before asking anything');
      }),
    ).rejects.toThrow('refused before asking anything');
    expect(sent).toEqual([]);
  });

  it('runs on a connection already checked out, leaving it checked out', async () => {
    const client = await pool.connect();
    try {
      const x = await inLazyTransaction(
        tenantDb(client),
        async (tx) => (await tx.execute(sql.raw(xact))).rows[0],
      );
      expect(x).toMatchObject({ x: expect.any(String) });
      expect(pool.idleCount).toBe(0);
    } finally {
      client.release();
    }
  });

  it('drops a connection lost in the transaction from the pool', async () => {
    const other = new pg.Client({ connectionString: db.adminUrl });
    await other.connect();
    try {
      await expect(
        inLazyTransaction(tdb(), async (tx) => {
          const pid = (await tx.execute(sql.raw('SELECT pg_backend_pid() AS pid'))).rows[0]?.pid;
          await other.query('SELECT pg_terminate_backend($1)', [pid]);
          await tx.execute(sql.raw('SELECT 1'));
        }),
      ).rejects.toThrow();
      expect(pool.totalCount).toBe(0);
      expect(await rowsIn()).toEqual([1, 2, 5]);
    } finally {
      await other.end();
    }
  });
});
