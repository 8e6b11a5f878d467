import { DateTime } from 'luxon';
import type { IsoDate } from './calendar.ts';

/**
 * Recurring entries and scheduled reversals, as pure date arithmetic (docs/architecture/posting.md,
 * "Recurring and reversing entries"). No I/O: the ledger's recurring feature and the month-end
 * checklist both count occurrences with these.
 */

export const RECURRENCE_FREQUENCIES = ['MONTHLY', 'QUARTERLY', 'YEARLY'] as const;
export type RecurrenceFrequency = (typeof RECURRENCE_FREQUENCIES)[number];

const MONTHS_BETWEEN: Record<RecurrenceFrequency, number> = { MONTHLY: 1, QUARTERLY: 3, YEARLY: 12 };

export interface RecurrenceSchedule {
  frequency: RecurrenceFrequency;
  /** 1 to 31; a month without that day takes its last day (31 → 28 February). */
  dayOfMonth: number;
  startDate: IsoDate;
  endDate: IsoDate | null;
}

const utc = (date: IsoDate) => DateTime.fromISO(date, { zone: 'UTC' });

/**
 * The books' dates are `YYYY-MM-DD` (the Date scalar takes years 1900 to 9999), compared as text.
 * Past 9999 luxon writes `+010000-01-31`, which sorts before every four-digit year: a window
 * reaching past 9999-12-31 ends there, and no occurrence is counted after it — otherwise a schedule
 * asked up to 9999-12-31 would never see a date "after" its end and count for ever.
 */
const LAST_YEAR = 9999;
const endOfDates = (date: IsoDate): IsoDate => (/^\d{4}-/.test(date) ? date : `${LAST_YEAR}-12-31`);

/** `day` of the month of `year`-`month`, or the month's last day when it is shorter. */
export function dayInMonth(year: number, month: number, day: number): IsoDate {
  const first = DateTime.utc(year, month, 1);
  return first.set({ day: Math.min(day, first.daysInMonth as number) }).toISODate() as IsoDate;
}

/** The first day of the month after `date`: when an accrual reverses unless another day was chosen. */
export function firstDayOfNextMonth(date: IsoDate): IsoDate {
  return utc(date).startOf('month').plus({ months: 1 }).toISODate() as IsoDate;
}

/** When an auto-reversing entry posted on `postingDate` is reversed. */
export const reversalDateOf = (postingDate: IsoDate, reverseOn: IsoDate | null): IsoDate =>
  reverseOn ?? firstDayOfNextMonth(postingDate);

/**
 * The last day an accrual's chosen reversal may fall on, given the books' last day (their last
 * period's end): the last day of the fiscal year after the books' last. A reversal due there waits,
 * pending and shown (PERIOD_NOT_FOUND), until that year is opened — as a December accrual's reversal
 * on 1 January does; a later one names a year the books cannot open before another, so it is refused
 * when the accrual is posted rather than found unpostable when it falls due. Capped at the Date
 * scalar's last day, 9999-12-31.
 */
export function lastReversalDay(booksLastDay: IsoDate): IsoDate {
  const [year, month] = booksLastDay.split('-').map(Number) as [number, number];
  return year >= LAST_YEAR ? `${LAST_YEAR}-12-31` : dayInMonth(year + 1, month, 31);
}

/**
 * Every date the schedule falls on within [from, to], in order. The cycle counts from the start
 * date's month: a quarterly schedule starting in January falls in January, April, July and October;
 * an occurrence before the start date (day 15 of a schedule starting on the 20th) does not count.
 */
export function occurrencesBetween(schedule: RecurrenceSchedule, from: IsoDate, to: IsoDate): IsoDate[] {
  return [...occurrencesFrom(schedule, from, to)];
}

/**
 * The dates of `occurrencesBetween`, one at a time, each computed only when asked: a caller that
 * wants the first few of a window reaching 9999 computes those, not the 96,000 months before it.
 */
export function* occurrencesFrom(
  schedule: RecurrenceSchedule,
  from: IsoDate,
  to: IsoDate,
): Generator<IsoDate, void, undefined> {
  const step = MONTHS_BETWEEN[schedule.frequency];
  const until = endOfDates(to);
  const last = schedule.endDate && schedule.endDate < until ? schedule.endDate : until;
  const first = schedule.startDate > from ? schedule.startDate : from;
  if (first > last) return;
  const start = utc(schedule.startDate).startOf('month');
  // Skip whole cycles before `first` rather than walking years of them.
  const monthsToFirst = Math.floor(utc(first).startOf('month').diff(start, 'months').months);
  for (let cycle = Math.max(0, Math.floor(monthsToFirst / step)); ; cycle += 1) {
    const month = start.plus({ months: cycle * step });
    if (month.year > LAST_YEAR) return;
    const date = dayInMonth(month.year, month.month, schedule.dayOfMonth);
    if (date > last) return;
    if (date >= first) yield date;
  }
}
