/**
 * Document numbering prefixes, as one feature: its schema (`numbering.graphql`), rules, resolvers,
 * the use case (`set-prefix.ts`) and `store.ts`, the only file of the feature that queries the
 * database. The numbers themselves are taken at posting (`nextNumber` in packages/engine).
 */
export { setNumberingPrefix } from './set-prefix.ts';
