import { type ControlDb, control, type tenant } from '@cifra/db';
import { badInput, crossRate, type RateSnapshot, rateToSql } from '@cifra/domain';
import type { ClientFx } from '@cifra/fx';
import { eq } from 'drizzle-orm';

// The client's FX configuration and settings are read by the ledger too: one implementation, in @cifra/fx.
export { type ClientFx, clientFx, clientSettings } from '@cifra/fx';

/**
 * `currency`'s rate in the client's base currency as `snapshot` quotes it (crossed through the
 * provider's base, with its derivation), a row of the client's rate history; null when not quoted.
 */
export function crossedRow(
  snapshot: RateSnapshot,
  currency: string,
  client: ClientFx,
): typeof tenant.exchangeRates.$inferInsert | null {
  const derived = crossRate(snapshot, currency, client.baseCurrency, client.pegs);
  if (!derived) return null;
  return {
    rateDate: snapshot.date,
    currency,
    baseCurrency: client.baseCurrency,
    rate: rateToSql(derived.rate),
    source: snapshot.provider,
    derivation: derived.derivation,
  };
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
