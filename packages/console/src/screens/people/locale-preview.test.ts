import { afterEach, describe, expect, it } from 'vitest';
import { dateTimeFormat, setFirmLocale } from '../../locale.ts';
import { formatMoney } from '../../money.ts';
import { localePreview } from './locale-preview.ts';

const DAY = new Date(Date.UTC(2026, 2, 31));

describe("the firm locale's preview", () => {
  afterEach(() => setFirmLocale(null));

  it('shows an amount and a day as the screens will once the locale is saved, Gregorian in every locale', () => {
    for (const tag of ['th-TH', 'fa-IR', 'ar-EG', 'de-DE', 'en-US']) {
      setFirmLocale(tag);
      const screens = `${formatMoney('1234567.89', 'PAB', tag)} · ${dateTimeFormat({ dateStyle: 'medium', timeZone: 'UTC' }).format(DAY)}`;
      expect(localePreview(tag), tag).toBe(screens);
    }
  });

  it("shows th-TH's year as 2026, not the Buddhist 2569", () => {
    const shown = localePreview('th-TH');
    expect(shown).toContain('2026');
    expect(shown).not.toContain('2569');
  });

  it('says nothing of a tag the browser cannot format in', () => {
    expect(localePreview('xx_YY')).toBeNull();
  });
});
