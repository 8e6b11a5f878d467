import type { TenantDb } from '@cifra/db';
import { asAtInstant } from '@cifra/domain';
import { sql } from 'drizzle-orm';
import type { PostingPeriod } from '../mappers.ts';

const camel = (name: string) => name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * The periods of a fiscal year as the books recorded them at `asAt` (knowledge time), from the
 * system-versioned history that triggers keep for posting_periods (docs/architecture/audit.md).
 * Empty before the year's periods existed.
 */
export async function periodsAsAt(db: TenantDb, fiscalYear: number, asAt: Date): Promise<PostingPeriod[]> {
  const result = await db.execute(sql`
    SELECT h.* FROM posting_periods_history h
     WHERE h.fiscal_year = ${fiscalYear}
       AND h.hist_operation <> 'DELETE'
       AND h.valid_from <= ${asAtInstant(asAt)}::timestamptz
       AND (h.valid_to IS NULL OR h.valid_to > ${asAtInstant(asAt)}::timestamptz)
     ORDER BY h.period_number`);
  return result.rows.map(
    (row) =>
      Object.fromEntries(
        Object.entries(row)
          .filter(([k]) => !k.startsWith('hist_') && k !== 'valid_from' && k !== 'valid_to')
          .map(([k, v]) => [camel(k), v]),
      ) as PostingPeriod,
  );
}
