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

/**
 * Legal details valid by Panama's rules (the RUC's DV checked by packages/domain's panamaRucDv), for
 * test clients that issue sales documents (LEGAL_DETAILS_REQUIRED otherwise, issue 18 §4).
 */
export const TEST_LEGAL_DETAILS = {
  ruc: '155704321-2-2021',
  dv: '81',
  rucKind: 'LEGAL' as const,
  address: 'Calle 50, Ciudad de Panamá',
  taxRegime: 'Régimen general',
};

/** The same, as one statement a test runs as the client database's owner after its company row. */
export const TEST_LEGAL_DETAILS_SQL = `UPDATE company SET ruc = '${TEST_LEGAL_DETAILS.ruc}', dv = '${TEST_LEGAL_DETAILS.dv}',
  ruc_kind = 'LEGAL', address = '${TEST_LEGAL_DETAILS.address}', tax_regime = '${TEST_LEGAL_DETAILS.taxRegime}'`;
