import { type ControlDb, control } from '@cifra/db';
import { badInput } from '@cifra/domain';
import { eq } from 'drizzle-orm';

// The client's FX configuration and settings are read by the ledger too: one implementation, in @cifra/fx.
export { type ClientFx, clientFx, clientSettings } from '@cifra/fx';

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
