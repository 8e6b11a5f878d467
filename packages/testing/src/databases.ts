import { randomBytes } from 'node:crypto';
import {
  APP_ROLE,
  CONTROL_APP_ROLE,
  createDatabase,
  dbErrorOf,
  quoteIdent,
  withClient,
  withCredentials,
  withDatabase,
} from '@cifra/db';
import { inject } from 'vitest';
import { CONTROL_TEMPLATE, TENANT_TEMPLATE, TEST_APP_PASSWORD } from './constants.ts';

export interface TestDatabase {
  name: string;
  /** As the owner (superuser in tests): for setup and for proving what the database refuses. */
  adminUrl: string;
  /**
   * As the application role, the way the product connects: `cifra_app` for a client database,
   * `cifra_control_app` for a control plane.
   */
  appUrl: string;
  drop(): Promise<void>;
}

export function testServerUrl(): string {
  return inject('pgAdminUrl');
}

export const testAppPassword = TEST_APP_PASSWORD;

async function fromTemplate(
  prefix: string,
  template: string | undefined,
  appRole = APP_ROLE,
): Promise<TestDatabase> {
  const server = testServerUrl();
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await createDatabase(server, name, template, [appRole]);
  const adminUrl = withDatabase(server, name);
  return {
    name,
    adminUrl,
    appUrl: withCredentials(adminUrl, appRole, TEST_APP_PASSWORD),
    drop: () => dropPolitely(server, name),
  };
}

/**
 * Drop a test database without terminating anyone: a pool that has just been ended may still be
 * closing its connections, and killing them (DROP … WITH (FORCE)) surfaces as an uncaught error
 * in the test process. Waits for the last sessions to go; a database still in use after that is
 * left for the test server's own removal at the end of the run.
 */
async function dropPolitely(server: string, name: string): Promise<void> {
  await withClient(withDatabase(server, 'postgres'), async (c) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
        return;
      } catch (err) {
        // Other sessions are still connected.
        if (dbErrorOf(err)?.kind !== 'OBJECT_IN_USE') throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
}

/** A fresh, migrated client database. */
export const createTestTenantDatabase = () => fromTemplate('t_tenant', TENANT_TEMPLATE);
/** A fresh, migrated control-plane database. */
export const createTestControlDatabase = () => fromTemplate('t_control', CONTROL_TEMPLATE, CONTROL_APP_ROLE);
/** An empty database (for migration tests). */
export const createEmptyDatabase = () => fromTemplate('t_empty', undefined);
