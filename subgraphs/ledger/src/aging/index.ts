/**
 * The receivable and payable agings, as one feature: its schema (`aging.graphql`), rules,
 * resolvers, the report (`aging.ts`: open invoices and manual control-account lines bucketed by
 * days past due) and `store.ts`, the only file of the feature that queries the database.
 */
export * from './aging.ts';
