import { randomBytes } from 'node:crypto';
import { APP_ROLE, createDatabase, dropDatabase, withCredentials, withDatabase } from '@cifra/db';
import { inject } from 'vitest';
import { CONTROL_TEMPLATE, TENANT_TEMPLATE, TEST_APP_PASSWORD } from './constants.ts';

export interface TestDatabase {
  name: string;
  /** As the owner (superuser in tests): for setup and for proving what the database refuses. */
  adminUrl: string;
  /** As the application role, the way the product connects. */
  appUrl: string;
  drop(): Promise<void>;
}

export function testServerUrl(): string {
  return inject('pgAdminUrl');
}

export const testAppPassword = TEST_APP_PASSWORD;

async function fromTemplate(prefix: string, template: string | undefined): Promise<TestDatabase> {
  const server = testServerUrl();
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await createDatabase(server, name, template);
  const adminUrl = withDatabase(server, name);
  return {
    name,
    adminUrl,
    appUrl: withCredentials(adminUrl, APP_ROLE, TEST_APP_PASSWORD),
    drop: () => dropDatabase(server, name),
  };
}

/** A fresh, migrated client database. */
export const createTestTenantDatabase = () => fromTemplate('t_tenant', TENANT_TEMPLATE);
/** A fresh, migrated control-plane database. */
export const createTestControlDatabase = () => fromTemplate('t_control', CONTROL_TEMPLATE);
/** An empty database (for migration tests). */
export const createEmptyDatabase = () => fromTemplate('t_empty', undefined);
