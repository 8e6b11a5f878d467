import { setTimeout as sleep } from 'node:timers/promises';
import {
  controlDb,
  controlPlanePool,
  guardPool,
  isControlPlaneFailure,
  pg,
  tenantDb,
  withClient,
} from '@cifra/db';
import { createEmptyDatabase, type TestDatabase, testServerUrl } from '@cifra/testing';
import { sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSubgraphError } from './errors.ts';

/**
 * A subgraph reads two kinds of database: a client's books and the control plane (the firm's
 * people, clients and settings). When one cannot be reached, the answer names which: a client's
 * books are TENANT_UNAVAILABLE, the control plane SERVICE_UNAVAILABLE — never "this client's
 * books" for a firm-level field. Real connections to a real server, failing three ways: the
 * session ended by the server mid-query, the database refusing connections, and the pool's wait
 * for a connection running out.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createEmptyDatabase();
});
afterAll(async () => {
  await withClient(testServerUrl(), (c) => c.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`));
  await db?.drop();
});

const format = formatSubgraphError(pino({ level: 'silent' }));
/** What the client sees of `err` thrown by a resolver. */
const answered = (err: unknown) =>
  format({ message: 'x', path: ['x'] }, new GraphQLError('x', { originalError: err as Error, path: ['x'] }));
const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );

/** Both kinds of pool on the same database: the control plane's as every process opens it, a client's as the registry does. */
function pools(name: string) {
  return {
    control: controlPlanePool(db.adminUrl, `${name}-control`, { connectionTimeoutMs: 2_000 }),
    client: guardPool(new pg.Pool({ connectionString: db.adminUrl, application_name: `${name}-client` })),
  };
}

/** Wait (however long the machine takes) until a session of `application` is running a statement, then end it. */
async function terminateWhenRunning(application: string): Promise<void> {
  await withClient(testServerUrl(), async (admin) => {
    for (;;) {
      const r = await admin.query(
        `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
          WHERE application_name = $1 AND state = 'active' AND query LIKE '%pg_sleep%'`,
        [application],
      );
      if (r.rowCount) return;
      await sleep(20);
    }
  });
}

describe('a database that cannot be reached, told apart by whose it is', () => {
  it('a session the server ends mid-query', async () => {
    const { control, client } = pools('ended');
    try {
      const controlFailure = failureOf(controlDb(control).execute(sql`SELECT pg_sleep(600)`));
      await terminateWhenRunning('ended-control');
      const clientFailure = failureOf(tenantDb(client).execute(sql`SELECT pg_sleep(600)`));
      await terminateWhenRunning('ended-client');

      const fromControl = await controlFailure;
      expect(isControlPlaneFailure(fromControl)).toBe(true);
      expect(answered(fromControl).extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(answered(fromControl).message).not.toMatch(/pg_sleep|select|client's books/i);

      const fromClient = await clientFailure;
      expect(isControlPlaneFailure(fromClient)).toBe(false);
      expect(answered(fromClient).extensions?.code).toBe('TENANT_UNAVAILABLE');
      expect(answered(fromClient).message).not.toMatch(/pg_sleep|select/i);

      // Each pool answers again on a new connection.
      expect((await control.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
      expect((await client.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
    } finally {
      await Promise.all([control.end(), client.end()]);
    }
  });

  it('a database refusing connections, through pool.query, drizzle and a transaction', async () => {
    const { control, client } = pools('refused');
    await withClient(testServerUrl(), (c) => c.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS false`));
    try {
      const refusals = [
        failureOf(control.query('SELECT 1')),
        failureOf(controlDb(control).execute(sql`SELECT 1`)),
        failureOf(controlDb(control).transaction((tx) => tx.execute(sql`SELECT 1`))),
      ];
      for (const err of await Promise.all(refusals)) {
        expect(answered(err).extensions?.code).toBe('SERVICE_UNAVAILABLE');
      }
      const fromClient = await failureOf(tenantDb(client).execute(sql`SELECT 1`));
      expect(answered(fromClient).extensions?.code).toBe('TENANT_UNAVAILABLE');
    } finally {
      await withClient(testServerUrl(), (c) => c.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`));
      await Promise.all([control.end(), client.end()]);
    }
  });

  it('the pool out of connections for longer than its wait', async () => {
    // Its ten connections taken with time to spare (on a busy machine one may take longer than the
    // wait under test), then the wait made short: the next caller can only time out.
    const control = controlPlanePool(db.adminUrl, 'busy-control', { connectionTimeoutMs: 60_000 });
    const held = await Promise.all(Array.from({ length: 10 }, () => control.connect()));
    control.options.connectionTimeoutMillis = 100;
    try {
      const err = await failureOf(controlDb(control).execute(sql`SELECT 1`));
      expect(String((err as Error).message) + String((err as { cause?: Error }).cause?.message)).toMatch(
        /timeout exceeded when trying to connect/,
      );
      expect(answered(err).extensions?.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      for (const c of held) c.release();
      await control.end();
    }
  });

  it('leaves a refusal that is not a lost connection to the translation', async () => {
    const control = controlPlanePool(db.adminUrl, 'plain-control');
    try {
      const err = await failureOf(controlDb(control).execute(sql`SELECT * FROM no_such_table`));
      // Marked as the control plane's, but not a connection failure: a real bug stays one.
      expect(isControlPlaneFailure(err)).toBe(true);
      expect(answered(err).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await control.end();
    }
  });
});
