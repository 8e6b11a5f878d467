import { can, Permissions as P, type RuleMap, signedIn } from '@cifra/permissions';

const read = can(P.FX.Read);

/**
 * Every field of this subgraph, mapped to the permission it needs (deny by default). Currencies
 * are control-plane reference data, the same for every client: any signed-in caller may read them.
 * A client's rates and refresh status need FX.Read; forcing a rate needs FX.OverrideRate.
 */
export const rules: RuleMap = {
  Query: {
    currencies: signedIn,
    currency: signedIn,
    exchangeRate: read,
    exchangeRates: read,
    fxRefreshStatus: read,
    // Firm-level (no X-Tenant); each client is listed only when the caller's role there reads its books and rates.
    staleRateUsage: can(P.Firm.Dashboard),
  },
  Mutation: { overrideExchangeRate: can(P.FX.OverrideRate) },
  Currency: signedIn,
  ExchangeRate: read,
  ExchangeRateRecord: read,
  FxRefreshStatus: read,
  StaleRateUsage: can(P.Firm.Dashboard),
  StaleRateClientUsage: can(P.Firm.Dashboard),
  StaleRateEntry: can(P.Firm.Dashboard),
  StaleRateClientUsageConnection: can(P.Firm.Dashboard),
  StaleRateClientUsageEdge: can(P.Firm.Dashboard),
  StaleRateEntryConnection: can(P.Firm.Dashboard),
  StaleRateEntryEdge: can(P.Firm.Dashboard),
  PageInfo: signedIn,
};
