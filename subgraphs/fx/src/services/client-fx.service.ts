import { type ControlDb, control, type tenant } from '@cifra/db';
import { badInput, crossRate, fetchedRateProblem, type RateSnapshot, rateToSql } from '@cifra/domain';
import type { ClientFx } from '@cifra/fx';
import { eq } from 'drizzle-orm';

// The client's FX configuration and settings are read by the ledger too: one implementation, in @cifra/fx.
export { type ClientFx, clientFx, clientSettings } from '@cifra/fx';

export type RateRow = typeof tenant.exchangeRates.$inferInsert;

/**
 * `currency`'s rate in the client's base currency as `snapshot` quotes it (crossed through the
 * provider's base, with its derivation), a row of the client's rate history. Null when not quoted;
 * a string saying why when a quote it needs was refused or the cross rate falls outside what a
 * fetched rate may be (`fetchedRateProblem`): that currency is then missing, as if not quoted.
 */
export function crossedRow(
  snapshot: RateSnapshot,
  currency: string,
  client: ClientFx,
): RateRow | string | null {
  const derived = crossRate(snapshot, currency, client.baseCurrency, client.pegs);
  if (!derived) return refusedQuote(snapshot, currency, client);
  const problem = fetchedRateProblem(derived.rate);
  if (problem) return `${currency}/${client.baseCurrency} cross rate ${problem}`;
  return {
    rateDate: snapshot.date,
    currency,
    baseCurrency: client.baseCurrency,
    rate: rateToSql(derived.rate),
    source: snapshot.provider,
    derivation: derived.derivation,
  };
}

/** Why `currency` could not be crossed, when a quote it needed was refused; null when it was not quoted. */
function refusedQuote(snapshot: RateSnapshot, currency: string, client: ClientFx): string | null {
  const sides = [currency, client.baseCurrency];
  const via = client.pegs.filter((p) => sides.includes(p.currency)).map((p) => p.anchor);
  for (const code of [...sides, ...via]) {
    const why = snapshot.refused?.get(code);
    if (why) return `${code} ${why}`;
  }
  return null;
}

/** An ISO 4217 code from the control plane's list, upper-cased; BAD_USER_INPUT otherwise. */
export async function knownCurrency(
  db: ControlDb,
  code: string,
  field = 'currency',
): Promise<{ code: string; minorUnits: number }> {
  const normalized = code.trim().toUpperCase();
  if (/^[A-Z]{3}$/.test(normalized)) {
    const [row] = await db.select().from(control.currencies).where(eq(control.currencies.code, normalized));
    if (row) return { code: row.code, minorUnits: row.minorUnits };
  }
  throw badInput(`${field}: "${code}" is not an ISO 4217 currency this system knows`, { field, value: code });
}
