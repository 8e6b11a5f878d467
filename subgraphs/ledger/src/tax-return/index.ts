/**
 * Tax returns as one feature: Panama's monthly ITBMS return (`tax-return.ts`, the use case; `itbms.ts`,
 * its pure arithmetic; `csv.ts`, the CSV), its schema, rules, resolvers, and `store.ts`, the only
 * file of the feature that queries the database. See docs/architecture/tax-return.md.
 */
export * from './csv.ts';
export * from './itbms.ts';
export * from './tax-return.ts';
