/**
 * Opening balances as one feature: its schema (`opening.graphql`), rules, resolvers, the check that
 * reports every problem at once (`check.ts`, `check-lines.ts`, `check-items.ts`), the import and
 * its void (`import.ts`, `void.ts`) and `store.ts`, the only file of the feature that queries the
 * database. See docs/architecture/opening-balances.md.
 */
export * from './import.ts';
export * from './void.ts';
