import { gregorianFormat } from '../../locale.ts';
import { formatMoney } from '../../money.ts';

/**
 * How an amount and a day look in `tag`, as every screen will show them once it is saved (the
 * screens' own formatters: `formatMoney`, and `gregorianFormat` as `dateTimeFormat` uses it), or
 * null while the browser cannot format in it.
 */
export function localePreview(tag: string): string | null {
  try {
    if (Intl.NumberFormat.supportedLocalesOf(tag).length !== 1) return null;
    const day = gregorianFormat(tag, { dateStyle: 'medium', timeZone: 'UTC' });
    return `${formatMoney('1234567.89', 'PAB', tag)} · ${day.format(new Date(Date.UTC(2026, 2, 31)))}`;
  } catch {
    return null;
  }
}
