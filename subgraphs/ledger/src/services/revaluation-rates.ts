import { clientFxOf, lookupRate } from '@cifra/fx';
import type { Books } from './books.ts';
import type { RateLookup } from './revaluation.service.ts';

/**
 * The rate lookup a revaluation uses: the one `exchangeRate(currency, date)` answers with
 * (`lookupRate` in `@cifra/fx`: the client's pegs, overrides winning for their day, `DOCUMENT`
 * rates ignored, the client's `fxStalenessDays`), read-only. RATE_NOT_AVAILABLE names the currency
 * and the date.
 */
export async function rateLookup(books: Books): Promise<RateLookup> {
  const client = clientFxOf(books.company);
  const { fxStalenessDays } = await books.settings();
  return (currency, date) => lookupRate(books.db, client, currency, date, fxStalenessDays);
}
