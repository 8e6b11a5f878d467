import { createEmptyDatabase, type TestDatabase, testServerUrl } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectionFailure, unavailable, withClient } from '../src/index.ts';

/**
 * A client database set to refuse connections (ALLOW_CONNECTIONS false, as an operator does before
 * maintenance) is the client being unavailable — TENANT_UNAVAILABLE to its callers, CONNECTION_REFUSED
 * on the board — not an internal error: PostgreSQL answers it with SQLSTATE 55000, which the
 * translation did not know.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createEmptyDatabase();
});
afterAll(async () => {
  await withClient(testServerUrl(), (c) => c.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`));
  await db?.drop();
});

describe('a database that does not accept connections', () => {
  it('is a connection failure, refused by its server', async () => {
    await withClient(testServerUrl(), (c) => c.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS false`));
    const refused = await withClient(db.adminUrl, (c) => c.query('SELECT 1')).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect((refused as { code?: string }).code).toBe('55000');
    expect(isConnectionFailure(refused)).toBe(true);
    expect(unavailable(refused).code).toBe('CONNECTION_REFUSED');
  });

  it('leaves other 55000 errors to what they are', () => {
    const other = Object.assign(new Error('cannot refresh materialized view concurrently'), {
      code: '55000',
    });
    expect(isConnectionFailure(other)).toBe(false);
    expect(unavailable(other).code).toBe('ERROR');
  });
});
