import { minorUnits } from '../../money.ts';
import { money } from './format.ts';

/**
 * What the console says of an amount typed for a credit, a refund or a write-off before sending
 * it: the API's own rules (packages/domain's parseMoney: a decimal string, no more decimals than
 * the currency's minor units, greater than zero, at most what is open), checked as BigInt minor
 * units — never a float. The API checks again and has the last word (OVER_ALLOCATION, …).
 */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** The amount in minor units, or null when it is not a plain positive-or-zero decimal string. */
export function toMinor(amount: string, currency: string): bigint | null {
  const m = DECIMAL.exec(amount.trim());
  if (!m) return null;
  const minor = minorUnits(currency);
  const fraction = m[2] ?? '';
  if (fraction.length > minor) return null;
  return BigInt(m[1]! + fraction.padEnd(minor, '0'));
}

/** Why the amount would be refused, in words; null when it may be sent. `limit`: the most allowed (a decimal string). */
export function amountProblem(amount: string, currency: string, limit?: string | null): string | null {
  const text = amount.trim();
  if (text === '') return 'Type an amount.';
  if (!/^\d+(\.\d+)?$/.test(text))
    return `“${text}” is not an amount such as 100.00 (digits, one point, no sign).`;
  const minor = minorUnits(currency);
  const cents = toMinor(text, currency);
  if (cents === null)
    return minor === 0
      ? `${currency} has no minor unit: a whole amount, no decimals.`
      : `${currency} has ${minor} decimals: “${text}” has more.`;
  if (cents === 0n) return 'The amount must be greater than zero.';
  const max = limit ? toMinor(limit, currency) : null;
  if (max !== null && cents > max)
    return `More than the ${money(limit!, currency)} open (the API would refuse it: OVER_ALLOCATION).`;
  return null;
}

/** The smaller of two amounts of one currency (decimal strings), as the API wrote it. */
export function smaller(a: string, b: string, currency: string): string {
  const x = toMinor(a, currency);
  const y = toMinor(b, currency);
  if (x === null || y === null) return a;
  return x <= y ? a : b;
}

/** A key made once per intent: a double click or a lost answer makes one document. */
export const newIdempotencyKey = () => `console-${crypto.randomUUID()}`;

/** Whether two exact rates are the same number ("1.10" and "1.1"), compared as digits, never as floats. */
export function sameRate(a: string, b: string): boolean {
  const norm = (s: string) => {
    const [w = '', f = ''] = s.trim().split('.');
    return `${w.replace(/^0+(?=\d)/, '')}.${f.replace(/0+$/, '')}`;
  };
  return norm(a) === norm(b);
}
