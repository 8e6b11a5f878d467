declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

export const CONTROL_TEMPLATE = 'cifra_test_control_template';
export const TENANT_TEMPLATE = 'cifra_test_tenant_template';
export const TEST_APP_PASSWORD = 'cifra-test-app';
/** The tests' TENANT_DB_SECRET: every test client database's application login is derived from it. */
export const TEST_TENANT_DB_SECRET = 'cifra-test-tenant-db-secret';
