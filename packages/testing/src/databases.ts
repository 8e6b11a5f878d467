import { randomBytes } from 'node:crypto';
import {
  appLoginUrl,
  CONTROL_APP_ROLE,
  createDatabase,
  dbErrorOf,
  dropClientLogins,
  ensureAppLogin,
  quoteIdent,
  TENANT_DB_SECRET,
  withClient,
  withCredentials,
  withDatabase,
} from '@cifra/db';
import { inject } from 'vitest';
import { CONTROL_TEMPLATE, TENANT_TEMPLATE, TEST_APP_PASSWORD, TEST_TENANT_DB_SECRET } from './constants.ts';

export interface TestDatabase {
  name: string;
  /** As the owner (superuser in tests): for setup and for proving what the database refuses. */
  adminUrl: string;
  /**
   * As the application, the way the product connects: the client database's own login (its
   * password derived from TEST_TENANT_DB_SECRET), `cifra_control_app` for a control plane. None for an
   * empty database.
   */
  appUrl: string;
  drop(): Promise<void>;
}

export function testServerUrl(): string {
  return inject('pgAdminUrl');
}

export const testAppPassword = TEST_APP_PASSWORD;

/** The services' `${NAME}` secrets for a registry over test client databases. */
export const testServiceSecrets: Readonly<Record<string, string>> = {
  [TENANT_DB_SECRET]: TEST_TENANT_DB_SECRET,
};

type Kind = 'client' | 'control' | 'empty';

async function fromTemplate(prefix: string, template: string | undefined, kind: Kind): Promise<TestDatabase> {
  const server = testServerUrl();
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await createDatabase(server, name, template, kind === 'control' ? [CONTROL_APP_ROLE] : []);
  const adminUrl = withDatabase(server, name);
  if (kind === 'client') await ensureAppLogin(server, name, TEST_TENANT_DB_SECRET);
  return {
    name,
    adminUrl,
    appUrl:
      kind === 'control'
        ? withCredentials(adminUrl, CONTROL_APP_ROLE, TEST_APP_PASSWORD)
        : appLoginUrl(server, name, TEST_TENANT_DB_SECRET),
    drop: async () => {
      await dropTestDatabase(name);
      await dropClientLogins(server, name);
    },
  };
}

/**
 * Drop a database of the test server: a test's, or one a stack provisioned. Its logins stay (a row
 * each): a client restored in place has them hold grants in databases the test never named.
 */
export const dropTestDatabase = (name: string) => dropPolitely(testServerUrl(), name);

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
export const createTestTenantDatabase = () => fromTemplate('t_tenant', TENANT_TEMPLATE, 'client');
/** A fresh, migrated control-plane database: a copy of `template` (by default, migrated and empty). */
export const createTestControlDatabase = (template = CONTROL_TEMPLATE) =>
  fromTemplate('t_control', template, 'control');
/** An empty database (for migration tests, and a control plane a stack migrates itself). */
export const createEmptyDatabase = () => fromTemplate('t_empty', undefined, 'empty');
