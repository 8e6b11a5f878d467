import { type Actor, type TenantDb, type TxOf, tenant } from '@cifra/db';
import {
  badInput,
  type Decimal,
  formatDecimal,
  type IsoDate,
  peggedRate,
  RATE_SCALE,
  rateToSql,
  type ScaledRate,
} from '@cifra/domain';
import { and, eq, inArray } from 'drizzle-orm';
import type { ClientFx } from './client.ts';
import { DOCUMENT_SOURCE, lookupRate, PEG_SOURCE, type RateAnswer } from './rates.ts';

type Tx = TxOf<TenantDb>;

/** The rate a document is translated at, with its provenance: the ExchangeRateHistory row cited. */
export interface UsedRate {
  /** The exchange_rates row; null only for the base currency itself. */
  exchangeRateId: bigint | null;
  /** Base-currency units per one document-currency unit, exact (scale 12). */
  rate: Decimal;
  rateDate: IsoDate;
  source: string;
  isOverride: boolean;
  /** The row is older than the document date: the last known rate standing in. */
  isFallback: boolean;
}

export interface DocumentRateRequest {
  currency: string;
  documentDate: IsoDate;
  /** The client's effective `fxStalenessDays`. */
  stalenessDays: number;
  /** A rate the user typed on the document, if any. */
  explicit?: Decimal | null;
  /** The user who posts the document (recorded on an explicit rate's row). */
  actor: Actor;
  /** How the document is named in an explicit rate's row ("sales invoice 9f1c…"). */
  documentLabel: string;
  /** The rate in force on the document date, already looked up (`ratesInForce`), if found. */
  inForce?: RateAnswer;
  field?: string;
}

export const toScaled = (d: Decimal): ScaledRate => {
  if (d.scale > RATE_SCALE) throw new Error(`a rate has at most ${RATE_SCALE} decimals`);
  return d.units * 10n ** BigInt(RATE_SCALE - d.scale);
};
export const fromScaled = (r: ScaledRate): Decimal => ({ units: r, scale: RATE_SCALE });
const sameRate = (a: Decimal, b: Decimal) => toScaled(a) === toScaled(b);

/**
 * The rate of a foreign-currency document, decided when it is posted (translation at entry):
 *  - the base currency: 1, no row;
 *  - a pegged pair (USD on a PAB client): the peg, citing a PEG row (recorded for the document date
 *    if the refresh has not recorded one yet); a typed rate other than the peg is refused;
 *  - a rate typed on the document: recorded as a DOCUMENT row (an override for this document only,
 *    by the user posting it) and cited;
 *  - otherwise the rate in force on the document date (`lookupRate`: latest on or before it within
 *    `stalenessDays`, an override winning for its day), flagged as a fallback when older than the
 *    document date; RATE_NOT_AVAILABLE beyond the staleness limit.
 * Runs inside the posting's transaction: a refusal later in the posting rolls the row back with it.
 */
export async function rateForDocument(tx: Tx, client: ClientFx, req: DocumentRateRequest): Promise<UsedRate> {
  const field = req.field ?? 'exchangeRate';
  const base = client.baseCurrency;
  if (req.currency === base) {
    return {
      exchangeRateId: null,
      rate: { units: 1n, scale: 0 },
      rateDate: req.documentDate,
      source: 'BASE',
      isOverride: false,
      isFallback: false,
    };
  }
  const pegged = peggedRate(req.currency, base, client.pegs);
  if (pegged !== null) {
    if (req.explicit && !sameRate(req.explicit, fromScaled(pegged))) {
      throw badInput(
        `${field}: ${req.currency} is pegged to ${base} at ${formatDecimal(fromScaled(pegged))} by the regional configuration; no other rate applies`,
        { field, peg: formatDecimal(fromScaled(pegged)) },
      );
    }
    const answer =
      req.inForce ?? (await lookupRate(tx, client, req.currency, req.documentDate, req.stalenessDays));
    const id = answer.id ?? (await recordPeg(tx, req.currency, base, pegged, req.documentDate));
    return {
      exchangeRateId: id,
      rate: fromScaled(pegged),
      rateDate: req.documentDate,
      source: PEG_SOURCE,
      isOverride: false,
      isFallback: false,
    };
  }
  if (req.explicit) {
    const [row] = await tx
      .insert(tenant.exchangeRates)
      .values({
        rateDate: req.documentDate,
        currency: req.currency,
        baseCurrency: base,
        rate: rateToSql(toScaled(req.explicit)),
        source: DOCUMENT_SOURCE,
        derivation: `typed on ${req.documentLabel}`,
        isOverride: true,
        overrideBy: req.actor.userId,
        overrideByEmail: req.actor.email,
        overrideReason: `Rate given on ${req.documentLabel}`,
      })
      .returning({ id: tenant.exchangeRates.id });
    if (!row) throw new Error('exchange rate insert returned nothing');
    return {
      exchangeRateId: row.id,
      rate: req.explicit,
      rateDate: req.documentDate,
      source: DOCUMENT_SOURCE,
      isOverride: true,
      isFallback: false,
    };
  }
  const answer =
    req.inForce ?? (await lookupRate(tx, client, req.currency, req.documentDate, req.stalenessDays));
  if (answer.id === null) throw new Error(`lookupRate answered ${req.currency} without a row`);
  return {
    exchangeRateId: answer.id,
    rate: fromScaled(answer.rate),
    rateDate: answer.rateDate,
    source: answer.source,
    isOverride: answer.isOverride,
    isFallback: answer.isFallback,
  };
}

/** Record the peg for a date (once: the unique index on currency, date and source keeps one PEG row a day). */
async function recordPeg(tx: Tx, currency: string, base: string, rate: ScaledRate, date: IsoDate) {
  await tx
    .insert(tenant.exchangeRates)
    .values({
      rateDate: date,
      currency,
      baseCurrency: base,
      rate: rateToSql(rate),
      source: PEG_SOURCE,
      derivation: `${currency}/${base} fixed by the regional configuration`,
    })
    .onConflictDoNothing();
  const [row] = await tx
    .select({ id: tenant.exchangeRates.id })
    .from(tenant.exchangeRates)
    .where(
      and(
        eq(tenant.exchangeRates.currency, currency),
        eq(tenant.exchangeRates.rateDate, date),
        eq(tenant.exchangeRates.source, PEG_SOURCE),
      ),
    );
  if (!row) throw new Error(`no ${currency} peg row for ${date}`);
  return row.id;
}

/** An exchange_rates row by id, as provenance (for the GraphQL `fx` fields). */
export async function rateRows(db: Pick<TenantDb, 'select'>, ids: readonly bigint[]) {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(tenant.exchangeRates)
    .where(inArray(tenant.exchangeRates.id, [...ids]));
}
