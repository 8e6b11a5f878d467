import { afterEach, describe, expect, it } from 'vitest';
import { dateTimeFormat, setFirmLocale } from './locale.ts';

const DAY = new Date(Date.UTC(2026, 10, 26, 12));

describe("the firm's locale", () => {
  afterEach(() => setFirmLocale(null));

  it("shows dates in the Gregorian calendar even where the locale's own is another", () => {
    for (const tag of ['th-TH', 'fa-IR', 'en-US']) {
      setFirmLocale(tag);
      const year = dateTimeFormat({ year: 'numeric', numberingSystem: 'latn', timeZone: 'UTC' }).format(DAY);
      expect(year, tag).toMatch(/2026/);
    }
  });

  it('falls back to en-US for a tag the browser cannot use', () => {
    expect(setFirmLocale('en_US')).toBe('en-US');
    expect(setFirmLocale('es-pa')).toBe('es-PA');
  });
});
