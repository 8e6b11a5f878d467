import { type Decimal, decimalOf, peggedRate } from '@cifra/domain';
import { clientFxOf, fromScaled, lookupRate, type UsedRate } from '@cifra/fx';
import type { Books } from '../services/books.ts';
import type { DocumentRow } from './store.ts';

/** A document's rate: the client's pegs, the rate in force, and the provenance a GL line cites. */

/** The peg of a pair fixed by the client's regional configuration (USD on a PAB client), if any. */
export function pegOf(books: Books, currency: string): Decimal | null {
  const pegged = peggedRate(currency, books.company.baseCurrency, clientFxOf(books.company).pegs);
  return pegged === null ? null : fromScaled(pegged);
}

/**
 * A foreign draft without a typed rate is translated at posting at the rate in force on its document
 * date; refuse it now (RATE_NOT_AVAILABLE) if there is none, rather than at posting. Rates are never
 * removed, so a rate in force now is still in force when the draft is posted.
 */
export async function requireRateInForce(
  books: Books,
  currency: string,
  documentDate: string,
): Promise<void> {
  const settings = await books.settings();
  await lookupRate(books.db, clientFxOf(books.company), currency, documentDate, settings.fxStalenessDays);
}

/** FX provenance a GL line carries: the exchange_rates row used and whether it stood in as a fallback. */
export interface Provenance {
  exchangeRateId: bigint | null;
  rateIsFallback: boolean;
}
export const NO_PROVENANCE: Provenance = { exchangeRateId: null, rateIsFallback: false };

/** An invoice's own translation: its rate and the row it cited when posted (none if posted before provenance). */
export function invoiceProvenance(invoice: DocumentRow, baseCurrency: string): Provenance {
  return invoice.currency === baseCurrency
    ? NO_PROVENANCE
    : { exchangeRateId: invoice.exchangeRateId, rateIsFallback: invoice.rateIsFallback };
}

/** The rate a document posts at: the rate, the provenance its lines cite, the rate row used if looked up. */
export type OwnRate = { rate: Decimal; provenance: Provenance; used: UsedRate | null };

/** A document in the client's base currency: rate 1, no provenance. */
export const BASE_RATE: OwnRate = { rate: decimalOf('1'), provenance: NO_PROVENANCE, used: null };

/** A note's own rate: its invoice's, citing the same row. */
export function correctedRate(corrected: DocumentRow, baseCurrency: string): OwnRate {
  return {
    rate: decimalOf(corrected.exchangeRate ?? '1'),
    provenance: invoiceProvenance(corrected, baseCurrency),
    used: null,
  };
}
