import { describe, expect, it } from 'vitest';
import { defaultFiscalYear } from './year-end-words.ts';

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
