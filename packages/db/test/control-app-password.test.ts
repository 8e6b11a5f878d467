import { TEST_APP_PASSWORD, testServerUrl } from '@cifra/testing';
import { describe, expect, it } from 'vitest';
import {
  CONTROL_APP_ROLE,
  ensureControlAppRole,
  withClient,
  withCredentials,
  withDatabase,
} from '../src/index.ts';

/**
 * An operator command (`pnpm backup`, `pnpm restore`, `pnpm migrate`…) opens the control plane as
 * the admin beside services that are running: it must not reset the services' control-plane login
 * to its own DATA_DIR's secret, which locked every running service (and, in the suite, every other
 * stack on the shared server) out of the control plane.
 */

/** How logging in as the services' role with `password` ends: authenticated (whatever the database then allows) or refused. */
const logIn = (password: string) =>
  withClient(withCredentials(withDatabase(testServerUrl(), 'postgres'), CONTROL_APP_ROLE, password), (c) =>
    c.query('SELECT 1'),
  ).then(
    () => 'authenticated',
    (err: Error) => (/password authentication failed/.test(err.message) ? 'refused' : 'authenticated'),
  );

describe("the services' control-plane login", () => {
  it('keeps its password when an operator command opens the control plane with another secret', async () => {
    // What every test stack does: the services' password on the shared server.
    await ensureControlAppRole(testServerUrl(), TEST_APP_PASSWORD);
    await ensureControlAppRole(testServerUrl(), 'an-operator-data-dir-secret', { keepPassword: true });
    // Past the password, the shared server may still refuse the database itself (CONNECT revoked).
    expect(await logIn(TEST_APP_PASSWORD)).toBe('authenticated');
    expect(await logIn('an-operator-data-dir-secret')).toBe('refused');
  });
});
