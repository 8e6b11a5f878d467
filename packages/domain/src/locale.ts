import { DomainError } from './errors.ts';

/** The locale a firm formats in until a FirmAdmin chooses another (docs/architecture/tenancy.md). */
export const DEFAULT_LOCALE = 'en-US';

/** At most this many characters: a real BCP 47 tag with a region and an extension fits easily. */
const MAX_LENGTH = 64;

/**
 * A firm's locale as a canonical BCP 47 tag (`es-pa` → `es-PA`), or UNSUPPORTED_LOCALE naming
 * `field`: a malformed tag (what `Intl.getCanonicalLocales` refuses), more than one, or one that
 * neither `Intl.NumberFormat` nor `Intl.DateTimeFormat` supports as given (their best fit would be
 * another language: `xx-YY` is well formed but nobody's locale). Private-use and grandfathered tags
 * are refused too: a console could not format in them; so is a calendar other than the Gregorian
 * (`-u-ca-islamic`), which the books' dates are not kept in.
 */
export function parseLocale(tag: unknown, field = 'locale'): string {
  const refuse = (why: string) =>
    new DomainError('UNSUPPORTED_LOCALE', `${field}: ${why}`, { field, locale: tag });
  if (typeof tag !== 'string' || !tag.trim()) throw refuse('give a BCP 47 tag such as en-US or es-PA');
  if (tag.length > MAX_LENGTH) throw refuse(`at most ${MAX_LENGTH} characters`);
  let canonical: string[];
  try {
    canonical = Intl.getCanonicalLocales(tag.trim());
  } catch {
    throw refuse(`${JSON.stringify(tag)} is not a well-formed BCP 47 tag`);
  }
  const [one] = canonical;
  if (canonical.length !== 1 || !one) throw refuse('give exactly one tag');
  const supported = (list: string[]) => list.length === 1;
  if (
    !supported(Intl.NumberFormat.supportedLocalesOf(one, { localeMatcher: 'lookup' })) ||
    !supported(Intl.DateTimeFormat.supportedLocalesOf(one, { localeMatcher: 'lookup' }))
  ) {
    throw refuse(`${one} is not a locale numbers and dates can be formatted in`);
  }
  // The books' periods and dates are Gregorian: a tag asking for another calendar would show
  // November 2026 as another year's month. Its own digits (-u-nu-) are shown as asked.
  const calendar = new Intl.Locale(one).calendar;
  if (calendar !== undefined && calendar !== 'gregory') {
    throw refuse(
      `${one} asks for the ${calendar} calendar; the books keep Gregorian dates (leave out -u-ca-${calendar})`,
    );
  }
  return one;
}
