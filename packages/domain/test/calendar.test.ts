import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, parseIsoDate } from '../src/index.ts';

/** What the helpers answered when they were luxon's arithmetic alone (the reference). */
const luxonAdd = (date: string, days: number) =>
  DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate();
const luxonBetween = (from: string, to: string) =>
  Math.round(
    DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days,
  );

const iso = (d: Date) => d.toISOString().slice(0, 10);
/** Any day of the years 1000–9999, leap days and centuries included. */
const aDate = fc
  .date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
  .map(iso);

describe('calendar arithmetic on dates', () => {
  it('adds days as luxon does, across months, leap years and centuries', () => {
    fc.assert(
      fc.property(aDate, fc.integer({ min: -800_000, max: 800_000 }), (date, days) => {
        expect(addDays(date, days)).toBe(luxonAdd(date, days));
      }),
      { numRuns: 5_000 },
    );
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('counts the days between two dates as luxon does, negative when the second is earlier', () => {
    fc.assert(
      fc.property(aDate, aDate, (from, to) => {
        expect(daysBetween(from, to)).toBe(luxonBetween(from, to));
      }),
      { numRuns: 5_000 },
    );
    expect(daysBetween('2024-02-01', '2024-03-01')).toBe(29);
    expect(daysBetween('2026-03-01', '2026-02-01')).toBe(-28);
  });

  it('answers as luxon does outside the years 1000–9999 and for text that is no date', () => {
    for (const date of ['0999-12-31', '0001-01-01', '9999-12-31']) {
      expect(addDays(date, 1)).toBe(luxonAdd(date, 1));
      expect(daysBetween(date, '2026-01-01')).toBe(luxonBetween(date, '2026-01-01'));
    }
    for (const text of ['2026-02-30', '2026-13-01', '2026-1-01', 'yesterday', '']) {
      expect(addDays(text, 1)).toBe(luxonAdd(text, 1));
      expect(daysBetween(text, '2026-01-01')).toBe(luxonBetween(text, '2026-01-01'));
    }
    expect(addDays('2026-01-01', 1.5)).toBe(luxonAdd('2026-01-01', 1.5));
    // Beyond any date a Date can hold: luxon's answer, not a RangeError.
    expect(addDays('2026-01-01', 1e9)).toBe(luxonAdd('2026-01-01', 1e9));
    expect(addDays('2026-01-01', -1e9)).toBe(luxonAdd('2026-01-01', -1e9));
  });
});

describe('a date of the calendar, checked', () => {
  const digits = (n: number) =>
    fc.integer({ min: 0, max: 10 ** n - 1 }).map((v) => String(v).padStart(n, '0'));
  /** Any text of the shape YYYY-MM-DD: months and days out of range, year 0000 and 0999 too. */
  const shaped = fc.tuple(digits(4), digits(2), digits(2)).map(([y, m, d]) => `${y}-${m}-${d}`);
  const nearlyValid = fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
    )
    .map(
      ([y, m, d]) =>
        `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    );
  const accepts = (text: string) => {
    try {
      parseIsoDate(text);
      return true;
    } catch {
      return false;
    }
  };

  it('accepts exactly the dates luxon accepts', () => {
    fc.assert(
      fc.property(fc.oneof(shaped, nearlyValid, aDate), (text) => {
        expect(accepts(text)).toBe(DateTime.fromISO(text, { zone: 'UTC' }).isValid);
      }),
      { numRuns: 20_000 },
    );
    for (const [text, valid] of [
      ['2024-02-29', true],
      ['2100-02-29', false],
      ['2000-02-29', true],
      ['0000-02-29', true],
      ['0100-02-29', false],
      ['2026-04-31', false],
      ['2026-13-01', false],
      ['2026-00-10', false],
      ['2026-1-01', false],
      [' 2026-01-01', false],
    ] as const) {
      expect(accepts(text), text).toBe(valid);
      expect(DateTime.fromISO(text, { zone: 'UTC' }).isValid && /^\d{4}-\d{2}-\d{2}$/.test(text), text).toBe(
        valid,
      );
    }
  });
});
