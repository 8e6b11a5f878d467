/**
 * Tax codes and their dated rates, as one feature: schema (`tax-codes.graphql`), rules,
 * resolvers, the use cases (`tax-codes.ts`) and `store.ts`, the only file of the feature that
 * queries the database. Documents read the rate of their date through their own store.
 */
export * from './tax-codes.ts';
