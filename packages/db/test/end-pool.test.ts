import { createEmptyDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endPool, guardPool, pg, withClient } from '../src/index.ts';

/**
 * A shutdown ends its pools, then stops the embedded server. pg's `end()` resolves once it has asked
 * each idle connection to close, before their sockets have: the server stopped then would terminate
 * them mid-goodbye, and each would report an error ("terminating connection due to administrator
 * command") to a shutdown that did everything in order. `endPool` waits for them to close.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createEmptyDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('ending a guarded pool', () => {
  it('returns once every connection it had open has closed, none reporting an error after', async () => {
    const errors: Error[] = [];
    const pool = guardPool(
      new pg.Pool({ connectionString: db.adminUrl, max: 4, application_name: 'end-pool' }),
      (e) => errors.push(e),
    );
    const clients: pg.PoolClient[] = [];
    const ended = new Set<pg.PoolClient>();
    pool.on('connect', (c) => c.once('end', () => ended.add(c)));
    for (let i = 0; i < 4; i++) clients.push(await pool.connect());
    for (const c of clients) c.release();

    await endPool(pool);
    expect(ended.size).toBe(4);

    // Whatever the server does now reaches no connection of the pool.
    await withClient(db.adminUrl, (c) =>
      c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'end-pool'`),
    );
    expect(errors).toEqual([]);
  });

  it('still returns within its bound while a connection is never given back', async () => {
    const pool = guardPool(new pg.Pool({ connectionString: db.adminUrl, max: 2 }));
    const kept = await pool.connect();
    const idle = await pool.connect();
    idle.release();
    await endPool(pool, 300);
    kept.release();
  });
});
