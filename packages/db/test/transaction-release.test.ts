import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardPool, pg, tenantDb } from '../src/index.ts';

/**
 * A transaction whose connection is already dead when it is taken from the pool (its server was
 * killed or restarted while the connection sat idle) must still give the connection back: drizzle
 * 0.45 ran BEGIN before its try/finally, so a failed BEGIN kept the pool's client checked out for
 * ever — and the pool's `end()` at shutdown then waited for it for ever (patches/drizzle-orm*).
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestTenantDatabase();
});
afterAll(() => db.drop());

/** A pool that hands out clients whose socket has just been cut, as a server restart leaves them. */
class CutPool extends pg.Pool {
  override async connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: () => void) => void,
  ): void;
  override connect(...args: unknown[]): unknown {
    if (args.length > 0) return (super.connect as (...a: unknown[]) => unknown)(...args);
    return super.connect().then((client) => {
      (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      return client;
    });
  }
}

describe('a transaction on a connection that died in the pool', () => {
  it('fails and gives the connection back, so the pool can end', async () => {
    // Guarded as every pool of the product is: a dropped connection is not a crash.
    const pool = guardPool(new CutPool({ connectionString: db.adminUrl, max: 2 }));
    const tx = tenantDb(pool);
    for (let i = 0; i < 3; i++) {
      await expect(tx.transaction(async (t) => t.execute(sql`SELECT 1`))).rejects.toThrow();
      // Released as broken: the pool keeps nothing checked out and nothing dead to hand out again.
      expect(pool.totalCount - pool.idleCount).toBe(0);
    }
    // Three failures on a pool of two: a leak would have made the third wait for ever.
    await pool.end();
    expect(pool.totalCount).toBe(0);
  });

  it('still commits on a healthy connection and rolls back on an error, releasing each time', async () => {
    const pool = new pg.Pool({ connectionString: db.adminUrl, max: 1 });
    const tdb = tenantDb(pool);
    const value = await tdb.transaction(async (t) => {
      const r = await t.execute(sql`SELECT 41 + 1 AS n`);
      return Number((r.rows[0] as { n: number }).n);
    });
    expect(value).toBe(42);
    const refusal = new Error('refused by the caller');
    await expect(
      tdb.transaction(async (t) => {
        await t.execute(sql`SELECT 1`);
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect(pool.totalCount - pool.idleCount).toBe(0);
    await pool.end();
  });
});
