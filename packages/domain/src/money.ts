import { badInput } from './errors.ts';

/**
 * Money is an integer count of the currency's minor unit (cents for PAB and USD, none for JPY,
 * thousandths for BHD), held as a bigint. The only way in from the outside world is a decimal
 * string; numbers, exponents and extra precision are refused rather than rounded.
 */
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export function parseMoney(text: string, minorUnits: number, field = 'amount'): bigint {
  const m = DECIMAL.exec(text);
  if (!m) {
    throw badInput(`${field}: "${text}" is not a decimal amount such as "100.00"`, { field, value: text });
  }
  const [, sign, whole = '0', fraction = ''] = m;
  if (fraction.length > minorUnits) {
    throw badInput(`${field}: "${text}" has more than ${minorUnits} decimal places`, {
      field,
      value: text,
      minorUnits,
    });
  }
  const minor = BigInt(whole + fraction.padEnd(minorUnits, '0'));
  return sign ? -minor : minor;
}

export function formatMoney(minor: bigint, minorUnits: number): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(minorUnits + 1, '0');
  const whole = digits.slice(0, digits.length - minorUnits);
  const fraction = minorUnits > 0 ? `.${digits.slice(digits.length - minorUnits)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** True when the text is a syntactically valid decimal string (the Money scalar's own check). */
export function isDecimalString(text: string): boolean {
  return DECIMAL.test(text);
}
