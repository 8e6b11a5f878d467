/**
 * Recurring journal templates and scheduled reversals, as one feature: schema
 * (`recurring.graphql`), rules, resolvers, the use cases (`templates.ts`, `run.ts`, `read.ts`) and
 * `store.ts`, the only file of the feature that queries the database. The reversals themselves are
 * the engine's (packages/engine/src/scheduled-reversals.ts): the year-end close shares their link.
 * docs/architecture/posting.md, "Recurring and reversing entries".
 */
export { type ClientRun, runForClient } from './read.ts';
export { type RecurringRun, runRecurringEntries } from './run.ts';
