export * from './books-year.ts';
export {
  TENANT_TEMPLATE,
  TEST_APP_PASSWORD,
  TEST_LEGAL_DETAILS,
  TEST_LEGAL_DETAILS_SQL,
  TEST_TENANT_DB_SECRET,
} from './constants.ts';
export * from './databases.ts';
export * from './dirs.ts';
export * from './documents.ts';
export * from './hledger.ts';
export * from './ports.ts';
export * from './refusal.ts';
