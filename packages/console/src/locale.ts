/**
 * The firm's locale (`me.firm.locale`, a BCP 47 tag the API validated): every amount (formatMoney's
 * locale argument) and every date and time the console shows is formatted in it — times still in
 * the client's time zone, amounts in the client's currency. The shell sets it as soon as `me`
 * answers and draws the screens again under it (`app.tsx`); until then, and for a tag this
 * browser cannot format in, `en-US` (the API's default).
 *
 * One value for the whole page rather than a React context: the formatters are plain functions
 * called from many screens and helpers, and the locale changes at most once a page load.
 */
export const DEFAULT_LOCALE = 'en-US';

let current = DEFAULT_LOCALE;

/** The locale amounts and dates are formatted in now. */
export const firmLocale = (): string => current;

/** Use `tag` from now on (the browser's closest supported locale, or the default); returns the one used. */
export function setFirmLocale(tag: string | null | undefined): string {
  let next = DEFAULT_LOCALE;
  try {
    if (tag && Intl.NumberFormat.supportedLocalesOf(tag).length === 1)
      next = Intl.getCanonicalLocales(tag)[0]!;
  } catch {
    // A tag this browser's Intl refuses: the default rather than a page that throws.
  }
  current = next;
  return next;
}

/**
 * An `Intl.DateTimeFormat` in `locale` with `options`, always in the Gregorian calendar whatever the
 * locale's own (fa-IR: Persian, th-TH: Buddhist): the books' dates and periods are Gregorian, and a
 * month shown must be the period's month. Every date of the console is made by it, the firm locale's
 * preview of a tag not yet saved included.
 */
export const gregorianFormat = (locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat =>
  new Intl.DateTimeFormat(locale, { ...options, calendar: 'gregory' });

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** A `gregorianFormat` in the firm's locale with `options`, made once per locale and options. */
export function dateTimeFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${current}|${JSON.stringify(options)}`;
  let f = dateTimeFormats.get(key);
  if (!f) {
    f = gregorianFormat(current, options);
    dateTimeFormats.set(key, f);
  }
  return f;
}

/** A day and time to the minute, in the firm's locale and this browser's time zone, named (EST, GMT-5). */
export const zonedDateTimeFormat = (): Intl.DateTimeFormat =>
  dateTimeFormat({
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  });
