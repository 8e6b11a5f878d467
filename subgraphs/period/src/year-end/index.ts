/**
 * The year-end close, as one feature: its schema (`year-end.graphql`), rules, resolvers, use cases
 * (prepare, review, approve, reversal with four eyes), the accounting without the database
 * (`closing-lines.ts`), and `store.ts`, the only file of the feature that queries the database.
 */
export * from './approve.ts';
export * from './prepare.ts';
export * from './reversal.ts';
export * from './review.ts';
export type {
  FxVarianceMode,
  YearEndCloseLineRow,
  YearEndCloseRow,
  YearEndReversalRow,
} from './store.ts';
