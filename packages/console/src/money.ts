/**
 * Money as the API gives it — an exact decimal string ("1234567.5", "-0.125") — formatted in a
 * currency with its minor units and the locale's grouping, never through a float: the integer
 * part goes to Intl.NumberFormat as a BigInt (exact), the fraction's digits are placed by hand.
 *
 * - The fraction shows the currency's minor units (PAB 2, JPY 0, KWD 3), padded with zeros. An
 *   amount with more digits than that keeps them (nothing is ever rounded away); only zeros past
 *   the minor units are dropped.
 * - A negative zero ("-0.00") is shown as zero.
 * - Anything but a decimal string (`-?digits(.digits)?`) is refused with a TypeError: a screen
 *   must never show a number it did not get from the API.
 */
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export interface MoneyParts {
  negative: boolean;
  /** The integer digits, without leading zeros ("0" for zero). */
  integer: string;
  /** The fraction's digits as shown: at least the currency's minor units. */
  fraction: string;
}

/** The currency's minor units as the runtime's CLDR data knows them (ISO 4217). */
export function minorUnits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** The decimal string split into what is shown: sign, integer and fraction digits at the currency's scale. */
export function moneyParts(amount: string, minor: number): MoneyParts {
  const m = DECIMAL.exec(amount);
  if (!m) throw new TypeError(`not a decimal amount: ${JSON.stringify(amount)}`);
  const integer = m[2]!.replace(/^0+(?=\d)/, '');
  let fraction = m[3] ?? '';
  while (fraction.length > minor && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  fraction = fraction.padEnd(minor, '0');
  const zero = /^0*$/.test(integer + fraction);
  return { negative: m[1] === '-' && !zero, integer, fraction };
}

const formats = new Map<string, Intl.NumberFormat>();
/** The locale's format for a currency, or for a plain number when `currency` is null. */
function numberFormat(
  locale: string | undefined,
  currency: string | null,
  fractionDigits: number,
): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency ?? ''}|${fractionDigits}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      ...(currency ? { style: 'currency', currency } : { style: 'decimal' }),
      minimumFractionDigits: Math.min(fractionDigits, 1),
      maximumFractionDigits: Math.min(fractionDigits, 1),
    });
    formats.set(key, f);
  }
  return f;
}

/** The locale's ten digits (most are 0–9; some numbering systems have their own). */
function localeDigits(nf: Intl.NumberFormat): string[] {
  return Array.from({ length: 10 }, (_, d) =>
    nf
      .formatToParts(BigInt(d))
      .filter((p) => p.type === 'integer')
      .map((p) => p.value)
      .join(''),
  );
}

/**
 * `amount` (a decimal string from the API) in `currency` (ISO 4217), with its minor units and the
 * locale's grouping, decimal separator, digits and sign placement.
 */
export function formatMoney(amount: string, currency: string, locale?: string): string {
  const parts = moneyParts(amount, minorUnits(currency));
  return placeDigits(numberFormat(locale, currency, parts.fraction.length), parts);
}

/**
 * A plain decimal from the API (a rate, a quantity, a unit price) with the locale's grouping,
 * decimal separator and digits; exact as formatMoney is: every digit given is kept, only trailing
 * zeros of the fraction are dropped ("2.000" → "2", "1.093700" → "1.0937").
 */
export function formatDecimal(value: string, locale?: string): string {
  const parts = moneyParts(value, 0);
  return placeDigits(numberFormat(locale, null, parts.fraction.length), parts);
}

function placeDigits(nf: Intl.NumberFormat, { negative, integer, fraction }: MoneyParts): string {
  const digits = localeDigits(nf);
  // The sign's and the currency's places come from a template of the same sign; its "1" becomes
  // the amount's integer part (grouped by the locale: exact, from a BigInt), its fraction our digits.
  const grouped = nf.formatToParts(BigInt(integer)).filter((p) => p.type === 'integer' || p.type === 'group');
  let out = '';
  for (const part of nf.formatToParts(negative ? -1n : 1n)) {
    if (part.type === 'integer') out += grouped.map((p) => p.value).join('');
    else if (part.type === 'fraction') out += [...fraction].map((d) => digits[Number(d)]).join('');
    else out += part.value;
  }
  return out;
}
