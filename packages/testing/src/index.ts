export { TENANT_TEMPLATE, TEST_APP_PASSWORD, TEST_TENANT_DB_SECRET } from './constants.ts';
export * from './databases.ts';
