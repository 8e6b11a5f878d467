/**
 * The client's legal details, as one feature: schema (`legal.graphql`), rules, resolvers, the use
 * case (`legal-details.ts`, with the check documents make before issuing a sales document) and
 * `store.ts`, the only file of the feature that queries the database. The RUC's check digits are
 * pure, in packages/domain (`panama-ruc.ts`).
 */
export { isComplete, legalDetailsRefusal, requireLegalDetails, updateLegalDetails } from './legal-details.ts';
export { legalRowOf } from './store.ts';
