import { DateTime } from 'luxon';
import { badInput } from './errors.ts';

/** A calendar date as ISO `YYYY-MM-DD`; dates in the books carry no time and no zone. */
export type IsoDate = string;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Whether `text` has the shape `YYYY-MM-DD` (digits and dashes only: safe to inline in SQL), not
 * whether it is a date of the calendar (`parseIsoDate` checks that).
 */
export const hasIsoDateShape = (text: string): boolean => ISO_DATE.test(text);

/**
 * `text` when it is a date of the calendar `YYYY-MM-DD`, else BAD_USER_INPUT naming `field`. Every
 * request's dates are checked here: a date of the years 1000–9999 by the calendar's own count
 * (`epochDay`, a tenth of a microsecond), any other by luxon (several microseconds), which decided
 * them all before and still decides the same (calendar.test.ts).
 */
export function parseIsoDate(text: string, field = 'date'): IsoDate {
  const valid =
    ISO_DATE.test(text) &&
    (epochDay(text) !== undefined || (text[0] === '0' && DateTime.fromISO(text, { zone: 'UTC' }).isValid));
  if (!valid) {
    throw badInput(`${field}: "${text}" is not a date in the form YYYY-MM-DD`, { field, value: text });
  }
  return text;
}

export interface PeriodSpan {
  fiscalYear: number;
  periodNumber: number;
  year: number;
  month: number;
  startDate: IsoDate;
  endDate: IsoDate;
}

/**
 * The twelve monthly periods of a fiscal year. A fiscal year is named by the calendar year in which
 * it ends (so a July–June year ending June 2027 is fiscal 2027); a calendar fiscal year has
 * `startMonth` 1 and matches its calendar year.
 */
export function fiscalYearPeriods(fiscalYear: number, startMonth: number): PeriodSpan[] {
  if (!Number.isInteger(startMonth) || startMonth < 1 || startMonth > 12) {
    throw badInput(`fiscal year start month ${startMonth} is not a month`);
  }
  const first = DateTime.utc(startMonth === 1 ? fiscalYear : fiscalYear - 1, startMonth, 1);
  return Array.from({ length: 12 }, (_, i) => {
    const start = first.plus({ months: i });
    return {
      fiscalYear,
      periodNumber: i + 1,
      year: start.year,
      month: start.month,
      startDate: start.toISODate()!,
      endDate: start.endOf('month').toISODate()!,
    };
  });
}

/** The fiscal year a calendar date falls in. */
export function fiscalYearOf(date: IsoDate, startMonth: number): number {
  const d = DateTime.fromISO(date, { zone: 'UTC' });
  return startMonth === 1 || d.month < startMonth ? d.year : d.year + 1;
}

/** Today's date in a client's own time zone: the books of a Panama client turn over at its midnight. */
export function todayIn(timezone: string, now: Date = new Date()): IsoDate {
  return DateTime.fromJSDate(now).setZone(timezone).toISODate()!;
}

const DAY_MS = 86_400_000;

/**
 * Days from 1970-01-01 to a date `YYYY-MM-DD` of years 1000–9999; undefined for any other text
 * (`2026-02-30` included). A date has no zone, so its days are whole in UTC: the count is the
 * calendar's own, about a tenth of a microsecond where luxon's parse takes several — the books'
 * lane ages every foreign-currency document's rate (`ratesInForce`) with these.
 */
function epochDay(date: IsoDate): number | undefined {
  if (!ISO_DATE.test(date) || date[0] === '0') return undefined;
  const [y, m, d] = [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
  const ms = Date.UTC(y, m - 1, d);
  const at = new Date(ms);
  return at.getUTCMonth() === m - 1 && at.getUTCDate() === d ? ms / DAY_MS : undefined;
}

/** The date `YYYY-MM-DD` of a day counted by `epochDay`; undefined outside the years 1000–9999. */
function dateOfEpochDay(day: number): IsoDate | undefined {
  const at = new Date(day * DAY_MS);
  if (Number.isNaN(at.getTime())) return undefined; // beyond the instants a Date holds
  const iso = at.toISOString();
  return iso.length === 24 && iso[0] !== '0' ? iso.slice(0, 10) : undefined;
}

/** A date `days` later (earlier when negative). */
export function addDays(date: IsoDate, days: number): IsoDate {
  const day = Number.isInteger(days) ? epochDay(date) : undefined;
  return (
    (day === undefined ? undefined : dateOfEpochDay(day + days)) ??
    DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!
  );
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  const [a, b] = [epochDay(from), epochDay(to)];
  if (a !== undefined && b !== undefined) return b - a;
  return Math.round(
    DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days,
  );
}

/**
 * An `asAt` instant as the database compares it: the last microsecond of the millisecond it names.
 * The API states instants to the millisecond (`actualPostingDate`) while the database records them
 * to the microsecond, so an entry stamped 13.347512 is "as at 13.347Z" — the instant it says it was
 * written — and not left out of the books as they stood then.
 */
export function asAtInstant(asAt: Date): string {
  return `${asAt.toISOString().slice(0, -1)}999Z`;
}
