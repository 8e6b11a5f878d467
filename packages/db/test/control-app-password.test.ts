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
const asControlApp = (password: string) =>
  withClient(withCredentials(withDatabase(testServerUrl(), 'postgres'), CONTROL_APP_ROLE, password), (c) =>
    c.query('SELECT 1'),
  );

describe("the services' control-plane login", () => {
  it('keeps its password when an operator command opens the control plane with another secret', async () => {
    // What every test stack does: the services' password on the shared server.
    await ensureControlAppRole(testServerUrl(), TEST_APP_PASSWORD);
    await ensureControlAppRole(testServerUrl(), 'an-operator-data-dir-secret', { keepPassword: true });
    await expect(asControlApp(TEST_APP_PASSWORD)).resolves.toBeDefined();
    await expect(asControlApp('an-operator-data-dir-secret')).rejects.toThrow(
      /password authentication failed/,
    );
  });
});
