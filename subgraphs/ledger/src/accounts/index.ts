/**
 * Account maintenance, as one feature: its schema (`accounts.graphql`), rules, resolvers, the use
 * cases (`maintain.ts`: create, update, deactivate; `bind-role.ts`) and `store.ts`, the only file
 * of the feature that queries the database. The role rules themselves are pure, in
 * packages/domain (`account-roles.ts`).
 */
export * from './bind-role.ts';
export * from './maintain.ts';
