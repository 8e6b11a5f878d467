import { badInput } from './errors.ts';

/**
 * Exact decimals for quantities, unit prices, tax rates and exchange rates, as a bigint count of
 * 10^-scale units: `{ units: 12345n, scale: 2 }` is 123.45. No floats anywhere, and no library:
 * the only operations the documents need are parse, multiply and one rounding rule, which bigint
 * does exactly in a few lines.
 */
export interface Decimal {
  units: bigint;
  scale: number;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export interface ParseDecimalOptions {
  /** Most decimal places accepted (the database column's scale); more is refused, never rounded. */
  maxScale: number;
  /** Most digits before the decimal point (precision − scale of the column). */
  maxIntegerDigits?: number;
  field?: string;
  allowNegative?: boolean;
  allowZero?: boolean;
}

export function parseDecimal(text: string, opts: ParseDecimalOptions): Decimal {
  const field = opts.field ?? 'value';
  const m = DECIMAL.exec(text);
  if (!m) throw badInput(`${field}: "${text}" is not a decimal number such as "1.5"`, { field, value: text });
  const [, sign, whole = '0', fraction = ''] = m;
  if (fraction.length > opts.maxScale) {
    throw badInput(`${field}: "${text}" has more than ${opts.maxScale} decimal places`, {
      field,
      value: text,
      maxScale: opts.maxScale,
    });
  }
  if (opts.maxIntegerDigits !== undefined && whole.replace(/^0+/, '').length > opts.maxIntegerDigits) {
    throw badInput(`${field}: "${text}" is too large`, { field, value: text });
  }
  const magnitude = BigInt(whole + fraction);
  if (sign && magnitude !== 0n && !opts.allowNegative) {
    throw badInput(`${field}: "${text}" cannot be negative`, { field, value: text });
  }
  if (magnitude === 0n && opts.allowZero === false) {
    throw badInput(`${field}: "${text}" must be greater than zero`, { field, value: text });
  }
  return { units: sign ? -magnitude : magnitude, scale: fraction.length };
}

/** The canonical text of a decimal, trailing zeros removed ("1.50" → "1.5", "2.000" → "2"). */
export function formatDecimal(d: Decimal): string {
  const negative = d.units < 0n;
  const digits = (negative ? -d.units : d.units).toString().padStart(d.scale + 1, '0');
  const whole = digits.slice(0, digits.length - d.scale);
  const fraction = d.scale > 0 ? digits.slice(digits.length - d.scale).replace(/0+$/, '') : '';
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Parse a decimal already known to be valid (a numeric column read back from the database). */
export function decimalOf(text: string): Decimal {
  return parseDecimal(text, { maxScale: 64, allowNegative: true });
}

const pow10 = (n: number) => 10n ** BigInt(n);

/**
 * `numerator / denominator` rounded half away from zero (0.5 → 1, −0.5 → −1, 0.49 → 0): the rule
 * every rounding in the documents uses, to the minor unit of the currency concerned.
 */
export function divRoundHalfAway(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new Error('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  let q = n / denominator;
  if ((n % denominator) * 2n >= denominator) q += 1n;
  return negative ? -q : q;
}

/** a × b, exactly. */
export function mulDecimal(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** A decimal rounded (half away from zero) to a count of 10^-minorUnits, e.g. to cents. */
export function toMinor(d: Decimal, minorUnits: number): bigint {
  if (d.scale <= minorUnits) return d.units * pow10(minorUnits - d.scale);
  return divRoundHalfAway(d.units, pow10(d.scale - minorUnits));
}

/** `amountMinor × percent / 100`, rounded half away from zero to the same minor unit. */
export function percentOfMinor(amountMinor: bigint, percent: Decimal): bigint {
  return divRoundHalfAway(amountMinor * percent.units, 100n * pow10(percent.scale));
}

/**
 * An amount in one currency's minor units translated at `rate` (units of the target currency per
 * one unit of the source currency) into the target's minor units, rounded half away from zero.
 */
export function translateAtRate(
  amountMinor: bigint,
  rate: Decimal,
  fromMinorUnits: number,
  toMinorUnits: number,
): bigint {
  const numerator = amountMinor * rate.units * pow10(toMinorUnits);
  return divRoundHalfAway(numerator, pow10(rate.scale + fromMinorUnits));
}

export function decimalEquals(a: Decimal, b: Decimal): boolean {
  const scale = Math.max(a.scale, b.scale);
  return a.units * pow10(scale - a.scale) === b.units * pow10(scale - b.scale);
}

export const ONE: Decimal = { units: 1n, scale: 0 };
