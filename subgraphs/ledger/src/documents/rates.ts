import { type Decimal, decimalOf, peggedRate } from '@cifra/domain';
import type { TenantTx } from '@cifra/engine';
import {
  clientFxOf,
  fromScaled,
  lookupRate,
  type RateAnswer,
  rateForDocument,
  ratesInForce,
  type UsedRate,
} from '@cifra/fx';
import type { Books } from '../services/books.ts';
import { isCorrection } from './kinds.ts';
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
 * removed, so a rate in force now is still in force when the draft is posted. Asked on `db`: a
 * group's transaction when the group drafts it (a write-off), else the books' pool.
 */
export async function requireRateInForce(
  books: Books,
  currency: string,
  documentDate: string,
  db: Parameters<typeof lookupRate>[0] = books.db,
): Promise<void> {
  const settings = await books.settings();
  await lookupRate(db, clientFxOf(books.company), currency, documentDate, settings.fxStalenessDays);
}

/**
 * The rates in force for a group's postings in a foreign currency (`asks`), in one statement
 * (`ratesInForce`) with the client's settings; none asked when every currency is the base one. Each
 * posting then decides its rate without a query (`decideOwnRate`'s `inForce`), or is refused alone.
 */
export async function ratesInForceFor(
  tx: TenantTx,
  books: Books,
  asks: readonly { currency: string; date: string }[],
): Promise<Map<string, RateAnswer>> {
  const foreign = asks.filter((a) => a.currency !== books.company.baseCurrency);
  if (foreign.length === 0) return new Map();
  const { fxStalenessDays } = await books.settings();
  return ratesInForce(tx, clientFxOf(books.company), foreign, fxStalenessDays);
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

/** A note's own rate: its invoice's, citing the same row. */
export function correctedRate(corrected: DocumentRow, baseCurrency: string): OwnRate {
  return {
    rate: decimalOf(corrected.exchangeRate ?? '1'),
    provenance: invoiceProvenance(corrected, baseCurrency),
    used: null,
  };
}

/** The document's own rate, decided now: a note keeps its invoice's rate and cites the same row. */
export async function decideOwnRate(
  tx: TenantTx,
  books: Books,
  doc: DocumentRow,
  corrected: DocumentRow | undefined,
  /** The rate in force on its date if already looked up (`ratesInForce`). */
  inForce?: RateAnswer,
): Promise<OwnRate> {
  const { baseCurrency } = books.company;
  if (corrected) return correctedRate(corrected, baseCurrency);
  const settings = await books.settings();
  const used = await rateForDocument(tx, clientFxOf(books.company), {
    currency: doc.currency,
    documentDate: doc.documentDate,
    stalenessDays: settings.fxStalenessDays,
    explicit: doc.currency !== baseCurrency && doc.exchangeRate ? decimalOf(doc.exchangeRate) : null,
    actor: books.actor,
    documentLabel: `${doc.kind.toLowerCase().replace('_', ' ')} ${doc.id}`,
    ...(inForce ? { inForce } : {}),
  });
  return {
    rate: used.rate,
    provenance: { exchangeRateId: used.exchangeRateId, rateIsFallback: used.isFallback },
    used,
  };
}

/**
 * Whether deciding the document's rate can only read (`decideOwnRate`): the base currency, a note
 * (its invoice's rate), a foreign currency looked up, or a pegged pair (its rate on the draft is the
 * peg) — once a PEG row exists on or before its date, which `ratesInForce` tells. A rate typed on
 * the draft of any other pair is recorded as a row of its own: that always writes.
 */
export function rateIsReadOnly(
  books: Books,
  doc: Pick<DocumentRow, 'kind' | 'appliesToId' | 'currency' | 'exchangeRate'>,
): boolean {
  return (
    doc.currency === books.company.baseCurrency ||
    isCorrection(doc) ||
    !doc.exchangeRate ||
    pegOf(books, doc.currency) !== null
  );
}
