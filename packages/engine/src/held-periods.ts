import type { IsoDate } from '@cifra/domain';
import { sql } from 'drizzle-orm';
import { type Period, periodsByDate, type TenantTx } from './posting-engine.ts';

/** A period as `to_jsonb` of its row gives it (snake_case; dates as `YYYY-MM-DD`). */
interface PeriodJson {
  id: string;
  fiscal_year: number;
  period_number: number;
  year: number;
  month: number;
  start_date: string;
  end_date: string;
  state: Period['state'];
}

/** What a group learns in its first round trip: its periods, gates held, and the keys used before. */
export interface HeldPeriods {
  periods: Map<IsoDate, Period>;
  /** The idempotency keys asked for that an entry already carries. */
  taken: string[];
  /** What was asked: the dates whose periods are held, the keys looked up. */
  asked: { dates: ReadonlySet<IsoDate>; keys: ReadonlySet<string> };
}

/**
 * The periods covering `dates`, by date, their gates held shared (and the recorded time marked), and
 * which of `keys` an entry already carries — one round trip (cifra_held_posting_periods, tenant
 * migration 0038) where `holdPeriodsOf` and an idempotency look-up took three. The key look-up
 * reads the statement's snapshot, taken before the gates, as the separate look-up did; the periods
 * are read after the gates are held, as `holdPeriodsOf` reads them.
 */
export async function holdPeriodsAndKeys(
  tx: TenantTx,
  dates: readonly IsoDate[],
  keys: readonly string[],
): Promise<HeldPeriods> {
  const sorted = [...new Set(dates)].sort();
  const asked = { dates: new Set(sorted), keys: new Set(keys) };
  const [first, last] = [sorted[0], sorted.at(-1)];
  if (!first || !last) return { periods: new Map(), taken: [], asked };
  const { rows } = await tx.execute<{ periods: PeriodJson[]; taken: string[] }>(sql`
    SELECT cifra_held_posting_periods(${first}::date, ${last}::date) AS periods,
      ARRAY(SELECT j.idempotency_key FROM journal_entries j
             WHERE j.idempotency_key = ANY (${sql.param([...keys])}::text[])) AS taken`);
  const row = rows[0];
  return {
    periods: periodsByDate(sorted, (row?.periods ?? []).map(periodOf)),
    taken: row?.taken ?? [],
    asked,
  };
}

function periodOf(p: PeriodJson): Period {
  return {
    id: p.id,
    fiscalYear: p.fiscal_year,
    periodNumber: p.period_number,
    year: p.year,
    month: p.month,
    startDate: p.start_date,
    endDate: p.end_date,
    state: p.state,
  };
}
