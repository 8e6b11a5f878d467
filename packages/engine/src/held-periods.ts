import { pg, ride, tenant } from '@cifra/db';
import { hasIsoDateShape, type IsoDate } from '@cifra/domain';
import { isNull, min } from 'drizzle-orm';
import type { TenantTx } from './posting-engine.ts';

export type Period = typeof tenant.postingPeriods.$inferSelect;

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

/** What a posting learns in its first round trip: its periods, gates held, and the keys used before. */
export interface HeldPeriods {
  periods: Map<IsoDate, Period>;
  /**
   * The live opening balance import's opening date, or null: nothing posts before it (read after
   * the gates are held, which the import holds exclusive for every period before its date).
   */
  booksStart: IsoDate | null;
  /** The idempotency keys asked for that an entry already carries. */
  taken: string[];
  /** What was asked: the dates whose periods are held, the keys looked up. */
  asked: { dates: ReadonlySet<IsoDate>; keys: ReadonlySet<string> };
}

/**
 * The periods covering `dates`, by date, their gates held shared (and the recorded time marked),
 * the books' start, and which of `keys` an entry already carries — one round trip
 * (cifra_held_posting_books, tenant migration 0049). The key look-up reads the statement's
 * snapshot, taken before the gates; the periods and the books' start are read after the gates are
 * held: a transition or an import that held a gate exclusive is seen committed.
 */
export function holdPeriodsAndKeys(
  tx: TenantTx,
  dates: readonly IsoDate[],
  keys: readonly string[],
): Promise<HeldPeriods> {
  return holdAhead(tx, dates, keys).held();
}

/**
 * A hold asked before a group's postings are staged (`holdAhead`), with what it asked: the
 * database holds the gates while the process stages the postings, where it would wait for the
 * staging and then hold them, a round trip later.
 */
export interface HoldAhead {
  dates: ReadonlySet<IsoDate>;
  keys: ReadonlySet<string>;
  /** What is held: the statement sent now, alone, if no round trip of the transaction has carried it yet. */
  held(): Promise<HeldPeriods>;
}

/**
 * `holdPeriodsAndKeys` asked now, riding ahead of the transaction's next simple query (`ride`): a
 * group's lane asks it just before the round trip that locks what its documents settle, which then
 * runs after the gates are held, as a lone posting's does. Dates are inlined only as ISO dates (no
 * other can name a period) and keys as escaped literals.
 */
export function holdAhead(tx: TenantTx, dates: readonly IsoDate[], keys: readonly string[]): HoldAhead {
  const sorted = [...new Set(dates.filter(hasIsoDateShape))].sort();
  const asked = { dates: new Set(dates), keys: new Set(keys) };
  const [first, last] = [sorted[0], sorted.at(-1)];
  if (!first || !last) {
    const none: HeldPeriods = { periods: new Map(), booksStart: null, taken: [], asked };
    return { ...asked, held: () => Promise.resolve(none) };
  }
  const literals = [...asked.keys].map((k) => pg.escapeLiteral(k)).join(', ') || 'NULL';
  const riding = ride(tx, [
    `SELECT cifra_held_posting_books('${first}'::date, '${last}'::date) AS held,
      cifra_taken_entry_keys(ARRAY[${literals}]::text[]) AS taken`,
  ]);
  const held = async (): Promise<HeldPeriods> => {
    const [rows] = await riding.rows();
    const row = rows?.[0] as {
      held: { periods: PeriodJson[]; books_start: IsoDate | null };
      taken: string[];
    };
    return {
      periods: periodsByDate(sorted, (row?.held.periods ?? []).map(periodOf)),
      booksStart: row?.held.books_start ?? null,
      taken: row?.taken ?? [],
      asked,
    };
  };
  return { ...asked, held };
}

/**
 * The periods and keys of `dates` and `keys` held: `ahead`'s hold when it asked for every one of
 * them, else one asked now (whatever `ahead` held stays held: gates are only ever added to).
 */
export function heldFor(
  tx: TenantTx,
  dates: readonly IsoDate[],
  keys: readonly string[],
  ahead?: HoldAhead,
): Promise<HeldPeriods> {
  if (ahead && dates.every((d) => ahead.dates.has(d)) && keys.every((k) => ahead.keys.has(k))) {
    return ahead.held();
  }
  return holdPeriodsAndKeys(tx, dates, keys);
}

/**
 * The live opening balance import's opening date, or null, for a check made before a posting holds
 * its gates (a recurring occurrence drafted, a write-off staged): the posting checks it again.
 */
export async function booksStart(db: Pick<TenantTx, 'select'>): Promise<IsoDate | null> {
  const [row] = await db
    .select({ openingDate: tenant.openingImports.openingDate })
    .from(tenant.openingImports)
    .where(isNull(tenant.openingImports.voidedAt));
  return row?.openingDate ?? null;
}

/** The first day the books take a posting (`booksFirstDay`), and what sets it. */
export interface BooksFirstDay {
  /** The later of the two below. */
  date: IsoDate;
  /** The first posting period's first day: before it no period covers a date (PERIOD_NOT_FOUND). */
  firstPeriodStart: IsoDate;
  /** The live opening balance import's opening date (`booksStart`), or null. */
  openingDate: IsoDate | null;
}

/**
 * The first day the books take a posting, read the way `periodRefusal` decides it: no period
 * covers a date before the first period's start (PERIOD_NOT_FOUND), and nothing posts before a
 * live import's opening date (BEFORE_OPENING_BALANCES). Null while the books have no period. Every
 * date before it is refused whatever its kind, until the books change (a year opened before the
 * first, the import voided); for checks made before a posting (a recurring template's start, the
 * dates a recurring run tries, the month-end checklist), not a gate: the posting checks again.
 */
export async function booksFirstDay(db: Pick<TenantTx, 'select'>): Promise<BooksFirstDay | null> {
  const [first] = await db
    .select({ startDate: min(tenant.postingPeriods.startDate) })
    .from(tenant.postingPeriods);
  const firstPeriodStart = first?.startDate ?? null;
  if (!firstPeriodStart) return null;
  const openingDate = await booksStart(db);
  const date = openingDate && openingDate > firstPeriodStart ? openingDate : firstPeriodStart;
  return { date, firstPeriodStart, openingDate };
}

/** Which of `periods` covers each of `dates` (a date no period covers is absent). */
export function periodsByDate(dates: readonly IsoDate[], periods: readonly Period[]): Map<IsoDate, Period> {
  const byDate = new Map<IsoDate, Period>();
  for (const date of dates) {
    const period = periods.find((p) => p.startDate <= date && date <= p.endDate);
    if (period) byDate.set(date, period);
  }
  return byDate;
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
