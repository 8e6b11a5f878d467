import { type RuleMap, signedIn } from '@cifra/permissions';

/**
 * Every field of this subgraph, mapped to the permission it needs (deny by default). Currencies
 * are control-plane reference data, the same for every client: any signed-in caller may read them.
 */
export const rules: RuleMap = {
  Query: { currencies: signedIn, currency: signedIn },
  Currency: signedIn,
};
