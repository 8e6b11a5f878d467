import { markRecordedTime, tenant } from '@cifra/db';
import type { TenantTx } from '@cifra/engine';
import { and, desc, eq, gte, lte, sql } from 'drizzle-orm';

/** The tax codes' only door to the database: the codes and their dated rates. */

export type TaxCodeRow = typeof tenant.taxCodes.$inferSelect;
type Reader = Pick<TenantTx, 'select' | 'execute'>;

const t = tenant.taxCodes;
const r = tenant.taxCodeRates;

export async function insertTaxCode(tx: TenantTx, row: typeof t.$inferInsert): Promise<TaxCodeRow> {
  const [created] = await tx.insert(t).values(row).returning();
  return created as TaxCodeRow;
}

export async function lockTaxCode(tx: TenantTx, code: string): Promise<TaxCodeRow | undefined> {
  const [row] = await tx.select().from(t).where(eq(t.code, code)).for('update');
  await markRecordedTime(tx);
  return row;
}

export async function updateTaxCodeRow(
  tx: TenantTx,
  code: string,
  changes: Partial<Pick<TaxCodeRow, 'name' | 'ratePercent' | 'active'>>,
): Promise<TaxCodeRow> {
  const [row] = await tx.update(t).set(changes).where(eq(t.code, code)).returning();
  return row as TaxCodeRow;
}

/** Record a rate from a date (the row of that date replaced if the code has one). */
export async function insertRate(tx: TenantTx, code: string, effectiveFrom: string, ratePercent: string) {
  await tx.insert(r).values({ taxCode: code, effectiveFrom, ratePercent });
}

/** The rate in force on `date`: the latest dated rate on or before it, else the code's own. */
export async function rateOn(db: Reader, code: string, date: string): Promise<string | undefined> {
  const [dated] = await db
    .select({ rate: r.ratePercent })
    .from(r)
    .where(and(eq(r.taxCode, code), lte(r.effectiveFrom, date)))
    .orderBy(desc(r.effectiveFrom))
    .limit(1);
  if (dated) return dated.rate;
  const [own] = await db.select({ rate: t.ratePercent }).from(t).where(eq(t.code, code));
  return own?.rate;
}

/** Whether a dated rate of the code is on or after `date` (a new rate must come after them). */
export async function hasRateFrom(db: Reader, code: string, date: string): Promise<boolean> {
  const [row] = await db
    .select({ code: r.taxCode })
    .from(r)
    .where(and(eq(r.taxCode, code), gte(r.effectiveFrom, date)))
    .limit(1);
  return !!row;
}

/** Documents (posted or draft, not discarded) with a line taxed by the code, dated on or after `date`. */
export async function documentsUsingFrom(db: Reader, code: string, date: string): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`SELECT d.id FROM ${tenant.documents} d
     WHERE d.status IN ('DRAFT', 'POSTED') AND d.document_date >= ${date}
       AND EXISTS (SELECT 1 FROM ${tenant.documentLines} l WHERE l.document_id = d.id AND l.tax_code = ${code})
     ORDER BY d.document_date, d.id LIMIT 20`);
  return result.rows.map((row) => row.id);
}
