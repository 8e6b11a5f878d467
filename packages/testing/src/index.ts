export { TEST_APP_PASSWORD } from './constants.ts';
export * from './databases.ts';
