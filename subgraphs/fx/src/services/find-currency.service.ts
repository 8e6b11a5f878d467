import { type ControlDb, control } from '@cifra/db';
import { eq } from 'drizzle-orm';
import type { Currency } from '../mappers.ts';

/** One ISO 4217 currency by its alphabetic code, in any case ("usd" finds USD). */
export async function findCurrency(db: ControlDb, code: string): Promise<Currency | null> {
  const [currency] = await db
    .select()
    .from(control.currencies)
    .where(eq(control.currencies.code, code.trim().toUpperCase()));
  return currency ?? null;
}
