import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pg, type Reader, type SharedRead, sharedRead, type TenantDb, tenantDb } from '../src/index.ts';

/**
 * Shared reads (docs/architecture/posting.md, "Shared reads"): the reads of one kind that callers
 * on one client database's pool ask in the same turn of the event loop go as one statement, each
 * caller answered its own keys; nothing is cached, a transaction reads alone, and two pools (two
 * clients) never share a statement.
 */
let a: TestDatabase;
let b: TestDatabase;
const pools: pg.Pool[] = [];
beforeAll(async () => {
  [a, b] = await Promise.all([createTestTenantDatabase(), createTestTenantDatabase()]);
  for (const t of [a, b]) {
    const admin = new pg.Pool({ connectionString: t.adminUrl, max: 1 });
    await admin.query(`CREATE TABLE shared_kv (k text PRIMARY KEY, v text NOT NULL)`);
    await admin.query(
      `INSERT INTO shared_kv VALUES ('x', '${t.name}:x'), ('y', '${t.name}:y'), ('z', '${t.name}:z')`,
    );
    await admin.end();
  }
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await Promise.all([a?.drop(), b?.drop()]);
});

function poolOn(t: TestDatabase): { pool: pg.Pool; db: TenantDb } {
  const pool = new pg.Pool({ connectionString: t.adminUrl, max: 4 });
  pools.push(pool);
  return { pool, db: tenantDb(pool) };
}

/** A read of `shared_kv` by key that records each statement it runs (the keys it was given). */
function kvRead(): SharedRead<string, string | undefined> & { statements: string[][]; fail?: Error } {
  const read = {
    statements: [] as string[][],
    fail: undefined as Error | undefined,
    async load(db: Reader, keys: readonly string[]) {
      read.statements.push([...keys]);
      if (read.fail) throw read.fail;
      const rows = (
        await (db as TenantDb).execute<{ k: string; v: string }>(
          sql`SELECT k, v FROM shared_kv WHERE k = ANY (${sql.param([...new Set(keys)])}::text[])`,
        )
      ).rows;
      const byKey = new Map(rows.map((r) => [r.k, r.v]));
      return keys.map((k) => byKey.get(k));
    },
  };
  return read;
}

describe('shared reads', () => {
  it('answers the callers of one turn with one statement, each its own keys in its order', async () => {
    const { db } = poolOn(a);
    const read = kvRead();
    const [one, two, three] = await Promise.all([
      sharedRead(db, read, ['y', 'x']),
      sharedRead(db, read, ['z', 'nope']),
      sharedRead(db, read, ['x']),
    ]);
    expect(read.statements).toEqual([['y', 'x', 'z', 'nope', 'x']]);
    expect(one).toEqual([`${a.name}:y`, `${a.name}:x`]);
    expect(two).toEqual([`${a.name}:z`, undefined]);
    expect(three).toEqual([`${a.name}:x`]);
  });

  it('caches nothing: a read in a later turn runs again and sees a committed change', async () => {
    const { db, pool } = poolOn(a);
    const read = kvRead();
    expect(await sharedRead(db, read, ['x'])).toEqual([`${a.name}:x`]);
    await pool.query(`UPDATE shared_kv SET v = 'changed' WHERE k = 'x'`);
    expect(await sharedRead(db, read, ['x'])).toEqual(['changed']);
    expect(read.statements).toEqual([['x'], ['x']]);
    await pool.query(`UPDATE shared_kv SET v = '${a.name}:x' WHERE k = 'x'`);
  });

  it('reads alone inside a transaction, which sees its own uncommitted write', async () => {
    const { db } = poolOn(a);
    const read = kvRead();
    let inside: unknown;
    let outside: unknown;
    const rollback = new Error('rolled back on purpose');
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`UPDATE shared_kv SET v = 'uncommitted' WHERE k = 'y'`);
        [inside, outside] = await Promise.all([sharedRead(tx, read, ['y']), sharedRead(db, read, ['y'])]);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(inside).toEqual(['uncommitted']);
    expect(outside).toEqual([`${a.name}:y`]);
    expect(read.statements).toEqual([['y'], ['y']]);
  });

  it('never shares a statement between two client databases', async () => {
    const onA = poolOn(a).db;
    const onB = poolOn(b).db;
    const read = kvRead();
    const [fromA, fromB] = await Promise.all([sharedRead(onA, read, ['x']), sharedRead(onB, read, ['x'])]);
    expect(read.statements).toEqual([['x'], ['x']]);
    expect(fromA).toEqual([`${a.name}:x`]);
    expect(fromB).toEqual([`${b.name}:x`]);
  });

  it('fails every caller of a statement that fails, and reads again in the next turn', async () => {
    const { db } = poolOn(a);
    const read = kvRead();
    read.fail = new Error('the statement failed');
    const both = [sharedRead(db, read, ['x']), sharedRead(db, read, ['y'])];
    await expect(both[0]).rejects.toThrow('the statement failed');
    await expect(both[1]).rejects.toThrow('the statement failed');
    read.fail = undefined;
    expect(await sharedRead(db, read, ['y'])).toEqual([`${a.name}:y`]);
    expect(read.statements).toEqual([['x', 'y'], ['y']]);
  });
});
