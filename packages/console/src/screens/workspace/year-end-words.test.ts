import { describe, expect, it } from 'vitest';
import { closableFrom, defaultFiscalYear } from './year-end-words.ts';

describe('the year the year-end close opens on', () => {
  it('is the earliest year still open (years close in order), else the latest', () => {
    expect(defaultFiscalYear([])).toBeNull();
    // The demo's ferreteria-colon: last year prepared and waiting, this year open too.
    expect(
      defaultFiscalYear([
        { year: 2026, state: 'OPEN' },
        { year: 2025, state: 'OPEN' },
      ]),
    ).toBe(2025);
    expect(
      defaultFiscalYear([
        { year: 2024, state: 'AUDITED' },
        { year: 2025, state: 'CLOSED' },
        { year: 2026, state: 'OPEN' },
      ]),
    ).toBe(2026);
    // Every year closed: the latest, whatever the order the list came in.
    expect(
      defaultFiscalYear([
        { year: 2025, state: 'CLOSED' },
        { year: 2023, state: 'AUDITED' },
        { year: 2024, state: 'AUDITED' },
      ]),
    ).toBe(2025);
  });
});

describe('the day a year can be closed from', () => {
  it('is the day after its last day, until that day comes on the client’s clock', () => {
    expect(closableFrom('2026-12-31', '2026-11-27')).toBe('2027-01-01');
    expect(closableFrom('2026-12-31', '2026-12-31')).toBe('2027-01-01');
    expect(closableFrom('2026-12-31', '2027-01-01')).toBeNull();
    // A July–June year, and a leap day's year.
    expect(closableFrom('2027-06-30', '2027-06-30')).toBe('2027-07-01');
    expect(closableFrom('2028-02-29', '2028-02-28')).toBe('2028-03-01');
  });
});
