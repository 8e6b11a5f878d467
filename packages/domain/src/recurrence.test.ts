import { describe, expect, it } from 'vitest';
import {
  dayInMonth,
  firstDayOfNextMonth,
  lastReversalDay,
  occurrencesBetween,
  occurrencesFrom,
  reversalDateOf,
} from './recurrence.ts';

describe('recurrence dates', () => {
  it('clamps day 31 to 28 February 2027, 29 February 2028 and 30 April', () => {
    expect(dayInMonth(2027, 2, 31)).toBe('2027-02-28');
    expect(dayInMonth(2028, 2, 31)).toBe('2028-02-29');
    expect(dayInMonth(2027, 4, 31)).toBe('2027-04-30');
    expect(dayInMonth(2027, 4, 15)).toBe('2027-04-15');
  });

  it('reverses a 31 March accrual on 1 April, a 31 December one on 1 January, or on the chosen day', () => {
    expect(firstDayOfNextMonth('2026-03-31')).toBe('2026-04-01');
    expect(firstDayOfNextMonth('2026-12-31')).toBe('2027-01-01');
    expect(reversalDateOf('2026-03-31', null)).toBe('2026-04-01');
    expect(reversalDateOf('2026-03-31', '2026-04-15')).toBe('2026-04-15');
  });

  it("lets an accrual reverse up to the last day of the fiscal year after the books' last, and no later than 9999", () => {
    expect(lastReversalDay('2026-12-31')).toBe('2027-12-31');
    // A fiscal year from March: books ending in February end the next year in February, leap or not.
    expect(lastReversalDay('2027-02-28')).toBe('2028-02-29');
    expect(lastReversalDay('2028-02-29')).toBe('2029-02-28');
    expect(lastReversalDay('9998-12-31')).toBe('9999-12-31');
    expect(lastReversalDay('9999-12-31')).toBe('9999-12-31');
  });

  it('gives the dates one at a time: the first of a window reaching 9999 without the 96,000 after it', () => {
    const s = { frequency: 'MONTHLY' as const, dayOfMonth: 31, startDate: '2026-01-01', endDate: null };
    const dates = occurrencesFrom(s, '2026-02-01', '9999-12-31');
    expect([dates.next().value, dates.next().value]).toEqual(['2026-02-28', '2026-03-31']);
    expect([...occurrencesFrom(s, '2026-01-01', '2026-06-30')]).toEqual(
      occurrencesBetween(s, '2026-01-01', '2026-06-30'),
    );
  });

  it('falls monthly on day 31 of every month from January to June 2026: six dates, clamped', () => {
    const s = { frequency: 'MONTHLY' as const, dayOfMonth: 31, startDate: '2026-01-01', endDate: null };
    expect(occurrencesBetween(s, '2026-01-01', '2026-06-30')).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      '2026-06-30',
    ]);
  });

  it('falls quarterly from the start month, skipping a day before the start and stopping at the end', () => {
    const s = {
      frequency: 'QUARTERLY' as const,
      dayOfMonth: 15,
      startDate: '2026-01-20',
      endDate: '2026-10-14',
    };
    expect(occurrencesBetween(s, '2025-01-01', '2030-12-31')).toEqual(['2026-04-15', '2026-07-15']);
  });

  it('falls yearly once in 2027 and only within the window asked', () => {
    const s = { frequency: 'YEARLY' as const, dayOfMonth: 1, startDate: '2026-07-01', endDate: null };
    expect(occurrencesBetween(s, '2027-01-01', '2027-12-31')).toEqual(['2027-07-01']);
    expect(occurrencesBetween(s, '2027-07-02', '2028-06-30')).toEqual([]);
    expect(occurrencesBetween(s, '2026-07-01', '2026-07-01')).toEqual(['2026-07-01']);
  });

  it('ends with 9999-12-31, the last date the books hold, however far the window reaches', () => {
    const s = { frequency: 'MONTHLY' as const, dayOfMonth: 31, startDate: '9999-10-01', endDate: null };
    // Past 9999 an ISO date is `+010000-…`, which sorts before every four-digit year.
    expect(occurrencesBetween(s, '9999-10-01', '9999-12-31')).toEqual([
      '9999-10-31',
      '9999-11-30',
      '9999-12-31',
    ]);
    expect(occurrencesBetween(s, '9999-12-01', '+010002-02-22')).toEqual(['9999-12-31']);
    const yearly = { ...s, frequency: 'YEARLY' as const, startDate: '1900-01-01', endDate: '9999-12-31' };
    expect(occurrencesBetween(yearly, '9998-06-01', '9999-12-31')).toEqual(['9999-01-31']);
  });
});
