import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  CONTROL_APP_ROLE,
  createDatabase,
  ensureAppRole,
  ensureControlAppRole,
  migrateControlPlane,
  migrateTenantDatabase,
  withDatabase,
} from '@cifra/db';
import { startEmbeddedPostgres } from '@cifra/db/embedded';
import type { TestProject } from 'vitest/node';
import { CONTROL_TEMPLATE, TENANT_TEMPLATE, TEST_APP_PASSWORD } from './constants.ts';
import { makeTestDir } from './dirs.ts';

/**
 * One real PostgreSQL server for the whole run, in memory where the machine has room (./dirs.ts),
 * with migrated template databases: each test file then gets fresh databases by
 * `CREATE DATABASE … TEMPLATE`.
 */
export default async function setup(project: TestProject) {
  const dir = await makeTestDir('cifra-test-');
  const server = await startEmbeddedPostgres({
    dir: path.join(dir, 'pg'),
    password: 'cifra-test-admin',
    durable: false,
  });
  await ensureAppRole(server.url);
  await ensureControlAppRole(server.url, TEST_APP_PASSWORD);
  await createDatabase(server.url, CONTROL_TEMPLATE, undefined, [CONTROL_APP_ROLE]);
  await migrateControlPlane(withDatabase(server.url, CONTROL_TEMPLATE));
  await createDatabase(server.url, TENANT_TEMPLATE);
  await migrateTenantDatabase(withDatabase(server.url, TENANT_TEMPLATE));
  project.provide('pgAdminUrl', server.url);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
