import { rowsOf, type TenantDb, tenant } from '@cifra/db';
import {
  addDays,
  badInput,
  DomainError,
  daysBetween,
  formatRate,
  type IsoDate,
  parsePublishedRate,
  peggedRate,
  type ScaledRate,
} from '@cifra/domain';
import { and, asc, desc, eq, gte, lte, ne, sql } from 'drizzle-orm';
import type { ClientFx } from './client.ts';

export type RateRow = typeof tenant.exchangeRates.$inferSelect;

/** The rate in force for a currency on a date, with where it came from. */
export interface RateAnswer {
  /** The ExchangeRateHistory row; null only for the base currency itself or a peg not yet recorded. */
  id: bigint | null;
  currency: string;
  baseCurrency: string;
  requestedDate: IsoDate;
  rateDate: IsoDate;
  rate: ScaledRate;
  source: string;
  derivation: string | null;
  fetchedAt: Date | null;
  isOverride: boolean;
  overrideByEmail: string | null;
  overrideReason: string | null;
  /** True when the rate is older than the date asked: the last known rate standing in. */
  isFallback: boolean;
  ageDays: number;
}

export const PEG_SOURCE = 'PEG';
export const OVERRIDE_SOURCE = 'OVERRIDE';
/**
 * A rate typed on one document (a receipt at the bank's actual rate). Recorded so the document's GL
 * lines can cite it, as an override by the user who posted it; it is never the rate in force for
 * anything else, so `lookupRate` and the history's `effective` ignore it.
 */
export const DOCUMENT_SOURCE = 'DOCUMENT';
const notDocumentRate = ne(tenant.exchangeRates.source, DOCUMENT_SOURCE);

export function answerFromRow(row: RateRow, requestedDate: IsoDate): RateAnswer {
  return {
    id: row.id,
    currency: row.currency.trim(),
    baseCurrency: row.baseCurrency.trim(),
    requestedDate,
    rateDate: row.rateDate,
    rate: parsePublishedRate(row.rate),
    source: row.source,
    derivation: row.derivation,
    fetchedAt: row.fetchedAt,
    isOverride: row.isOverride,
    overrideByEmail: row.overrideByEmail,
    overrideReason: row.overrideReason,
    isFallback: row.rateDate < requestedDate,
    ageDays: daysBetween(row.rateDate, requestedDate),
  };
}

/** The order that decides which row wins for a date: an override over a fetched rate, the latest override over older ones. */
const winnerOrder = [desc(tenant.exchangeRates.isOverride), desc(tenant.exchangeRates.id)];

/**
 * `exchangeRate(currency, date)`: the latest rate on or before `date`, no older than
 * `stalenessDays`; for that day an override wins over the provider. A pegged pair (PAB↔USD in
 * Panama) is always exactly the peg, source PEG, never a fallback. RATE_NOT_AVAILABLE when no rate
 * is recent enough, with the latest known one in the error's details.
 */
export async function lookupRate(
  db: Pick<TenantDb, 'select'>,
  client: ClientFx,
  currency: string,
  date: IsoDate,
  stalenessDays: number,
): Promise<RateAnswer> {
  const base = client.baseCurrency;
  if (currency === base) {
    return {
      id: null,
      currency,
      baseCurrency: base,
      requestedDate: date,
      rateDate: date,
      rate: parsePublishedRate('1'),
      source: 'BASE',
      derivation: null,
      fetchedAt: null,
      isOverride: false,
      overrideByEmail: null,
      overrideReason: null,
      isFallback: false,
      ageDays: 0,
    };
  }
  const pegged = peggedRate(currency, base, client.pegs);
  if (pegged !== null) {
    const [row] = await db
      .select()
      .from(tenant.exchangeRates)
      .where(
        and(
          eq(tenant.exchangeRates.currency, currency),
          eq(tenant.exchangeRates.baseCurrency, base),
          eq(tenant.exchangeRates.source, PEG_SOURCE),
          lte(tenant.exchangeRates.rateDate, date),
        ),
      )
      .orderBy(desc(tenant.exchangeRates.rateDate), desc(tenant.exchangeRates.id))
      .limit(1);
    // A peg does not age: the recorded row is cited for provenance, the answer is for the date asked.
    return {
      ...(row ? answerFromRow(row, date) : answerFromRow(pegRow(currency, base, pegged, date), date)),
      id: row?.id ?? null,
      rate: pegged,
      rateDate: date,
      isFallback: false,
      ageDays: 0,
    };
  }
  const oldest = addDays(date, -stalenessDays);
  const [row] = await db
    .select()
    .from(tenant.exchangeRates)
    .where(
      and(
        eq(tenant.exchangeRates.currency, currency),
        eq(tenant.exchangeRates.baseCurrency, base),
        lte(tenant.exchangeRates.rateDate, date),
        gte(tenant.exchangeRates.rateDate, oldest),
        notDocumentRate,
      ),
    )
    .orderBy(desc(tenant.exchangeRates.rateDate), ...winnerOrder)
    .limit(1);
  if (row) return answerFromRow(row, date);
  const [latest] = await db
    .select({ rateDate: tenant.exchangeRates.rateDate })
    .from(tenant.exchangeRates)
    .where(
      and(
        eq(tenant.exchangeRates.currency, currency),
        lte(tenant.exchangeRates.rateDate, date),
        notDocumentRate,
      ),
    )
    .orderBy(desc(tenant.exchangeRates.rateDate))
    .limit(1);
  throw new DomainError(
    'RATE_NOT_AVAILABLE',
    latest
      ? `No ${currency}→${base} rate within ${stalenessDays} days before ${date}: the latest is of ${latest.rateDate}. Refresh the rates or override the rate for that date.`
      : `No ${currency}→${base} rate on or before ${date}. Refresh the rates or override the rate for that date.`,
    { currency, baseCurrency: base, date, stalenessDays, latestRateDate: latest?.rateDate ?? null },
  );
}

/** The key of a rate asked of `ratesInForce`. */
export const rateKey = (currency: string, date: IsoDate) => `${currency} ${date}`;

/**
 * The rates in force for many (currency, date) pairs in one statement, as `lookupRate` finds each
 * when it finds a row: for a pegged pair the peg, citing the latest PEG row on or before the date
 * (the latest recorded first); for any other the latest rate on or before the date, no older than
 * `stalenessDays`, an override winning for its day, typed document rates left out. Keyed by
 * `rateKey`; the base currency, a pair with no rate in force and a pegged pair with no PEG row yet
 * are absent (ask `lookupRate` for those: RATE_NOT_AVAILABLE with the latest rate known, or the peg
 * to record), as is a pair that is no currency code and date (it has no rate).
 */
export async function ratesInForce(
  db: Pick<TenantDb, 'execute'>,
  client: ClientFx,
  asks: readonly { currency: string; date: IsoDate }[],
  stalenessDays: number,
): Promise<Map<string, RateAnswer>> {
  const wanted = new Map(
    asks
      .filter((a) => a.currency !== client.baseCurrency && CODE.test(a.currency) && DATE.test(a.date))
      .map((a) => [rateKey(a.currency, a.date), `('${a.currency}', '${a.date}'::date)`]),
  );
  if (wanted.size === 0) return new Map();
  const { rows } = await db.execute<Record<string, unknown>>(
    sql.raw(latestRatesSql(client, `VALUES ${[...wanted.values()].join(', ')}`)),
  );
  return ratesFromRows(client, rows, stalenessDays);
}

const CODE = /^[A-Z]{3}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The statement behind `ratesInForce`, for a caller that sends it with others (the simple protocol:
 * every value inlined, only currency codes): for each row of `asks` — SQL answering `(currency,
 * date)` — the row that decides its rate, before the staleness limit: a pegged pair's latest PEG
 * row on or before the date; any other pair's latest row on or before it not typed on a document,
 * an override first on its day. `ratesFromRows` applies the limit: the row bounded by it would be
 * this same row when it is recent enough, and none when it is not. The rows are found by
 * `cifra_latest_rates` (tenant migration 0057), whose query the connection keeps planned: inlined,
 * it was planned afresh each time, which took longer than running it.
 */
export function latestRatesSql(client: ClientFx, asks: string): string {
  return `SELECT f.ask_currency, f.ask_date, (f.rate).*
    FROM (SELECT array_agg(a.currency), array_agg(a.date) FROM (${asks}) AS a(currency, date)) AS q(currencies, dates),
      cifra_latest_rates(q.currencies::char(3)[], q.dates::date[], ${ratesArgs(client)}) AS f`;
}

/**
 * `latestRatesSql` for the currencies and document dates of the documents `ids` (a checked uuid[]
 * literal) not in the base currency, read by `cifra_latest_rates_of_documents` (tenant migration
 * 0060): the statement around `cifra_latest_rates`, inlined, was planned afresh each time, longer
 * than it ran; the function's plan is kept by the connection.
 */
export function latestRatesOfDocumentsSql(client: ClientFx, ids: string): string {
  return `SELECT f.ask_currency, f.ask_date, (f.rate).*
    FROM cifra_latest_rates_of_documents(${ids}, ${ratesArgs(client)}) AS f`;
}

/** The rates functions' last arguments, inlined: the base currency, the currencies pegged to it, the sources. */
function ratesArgs(client: ClientFx): string {
  const base = client.baseCurrency;
  if (!CODE.test(base)) throw new Error(`not a currency code: ${base}`);
  const pegged = `'{${client.pegs
    .flatMap((p) => (p.currency === base ? [p.anchor] : p.anchor === base ? [p.currency] : []))
    .filter((c) => CODE.test(c))
    .join(',')}}'::text[]`;
  return `'${base}', ${pegged}, '${PEG_SOURCE}', '${DOCUMENT_SOURCE}'`;
}

/** The rates in force from the rows of `latestRatesSql`, keyed by `rateKey`: each row no older than `stalenessDays` (a peg does not age). */
export function ratesFromRows(
  client: ClientFx,
  rows: readonly Record<string, unknown>[],
  stalenessDays: number,
): Map<string, RateAnswer> {
  const answers = new Map<string, RateAnswer>();
  rowsOf(tenant.exchangeRates, rows).forEach((row, i) => {
    const currency = String(rows[i]?.ask_currency).trim();
    const date = rows[i]?.ask_date as IsoDate;
    const peg = peggedRate(currency, client.baseCurrency, client.pegs);
    const answer = answerFromRow(row, date);
    if (peg !== null) {
      // A peg does not age: the row is cited for provenance, the answer is for the date asked.
      answers.set(rateKey(currency, date), {
        ...answer,
        rate: peg,
        rateDate: date,
        isFallback: false,
        ageDays: 0,
      });
    } else if (row.rateDate >= addDays(date, -stalenessDays)) {
      answers.set(rateKey(currency, date), answer);
    }
  });
  return answers;
}

function pegRow(currency: string, base: string, rate: ScaledRate, date: IsoDate): RateRow {
  return {
    id: 0n,
    rateDate: date,
    currency,
    baseCurrency: base,
    rate: formatRate(rate),
    source: PEG_SOURCE,
    derivation: `${currency}/${base} fixed by the regional configuration`,
    fetchedAt: new Date(0),
    isOverride: false,
    overrideBy: null,
    overrideByEmail: null,
    overrideReason: null,
  };
}

export interface HistoryRow extends RateRow {
  /** Whether this row is the one that wins for its date (overrides win, the latest override first). */
  effective: boolean;
}

/** The longest range `exchangeRates` answers, both days included: a year, leap day and all. */
export const MAX_RATE_HISTORY_DAYS = 366;

/**
 * `exchangeRates(currency, from, to)`: every stored row in the range (at most 366 days, both
 * included: BAD_USER_INPUT naming `to` beyond it), with which one is in force each day.
 */
export async function rateHistory(
  db: Pick<TenantDb, 'select'>,
  client: ClientFx,
  currency: string,
  from: IsoDate,
  to: IsoDate,
): Promise<HistoryRow[]> {
  if (from > to) throw badInput(`from (${from}) is after to (${to})`, { field: 'from' });
  if (daysBetween(from, to) >= MAX_RATE_HISTORY_DAYS) {
    throw badInput(`to: ask for at most ${MAX_RATE_HISTORY_DAYS} days of rates at once`, { field: 'to' });
  }
  const rows = await db
    .select()
    .from(tenant.exchangeRates)
    .where(
      and(
        eq(tenant.exchangeRates.currency, currency),
        eq(tenant.exchangeRates.baseCurrency, client.baseCurrency),
        gte(tenant.exchangeRates.rateDate, from),
        lte(tenant.exchangeRates.rateDate, to),
      ),
    )
    .orderBy(asc(tenant.exchangeRates.rateDate), asc(tenant.exchangeRates.id));
  const winners = new Map<string, RateRow>();
  for (const row of rows) {
    if (row.source === DOCUMENT_SOURCE) continue;
    const best = winners.get(row.rateDate);
    // Rows come in id order: a later override beats anything, a later fetched row beats an earlier one.
    if (!best || row.isOverride || !best.isOverride) winners.set(row.rateDate, row);
  }
  return rows.map((row) => ({ ...row, effective: winners.get(row.rateDate) === row }));
}
