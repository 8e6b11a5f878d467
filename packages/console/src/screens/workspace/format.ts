import { dateTimeFormat, firmLocale } from '../../locale.ts';
import { formatDecimal, formatMoney } from '../../money.ts';

/** "0", "0.00", "-0.00": nothing to show in a debit or credit column. */
export const isZero = (amount: string) => /^-?0*(\.0*)?$/.test(amount);

/** An amount of the API in the client's currency, exact (money.ts); empty for a zero when `blankZero`. */
export function money(amount: string, currency: string, blankZero = false): string {
  return blankZero && isZero(amount) ? '' : formatMoney(amount, currency, firmLocale());
}

/** A rate, quantity or unit price of the API in the firm's locale, exact (money.ts); null shows as `?`. */
export const decimal = (value: string | null | undefined): string =>
  value == null ? '?' : formatDecimal(value, firmLocale());

/** Today's date (YYYY-MM-DD) in the client's time zone, not the browser's. */
export function todayIn(timeZone: string, now = new Date()): string {
  const parts = new Intl.DateTimeFormat('en', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The day after a YYYY-MM-DD day. */
export function nextDay(date: string): string {
  const t = Date.parse(`${date}T00:00:00Z`) + 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar day as YYYY-MM-DD (31 February is not: the Date would roll it into March). */
export const isIsoDate = (s: string | null | undefined): s is string => {
  if (!s || !ISO_DATE.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
};

/** A calendar date of the books (no time zone: it is the client's day), in the firm's locale. */
export const dateLabel = (d: string) =>
  dateTimeFormat({ dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`));

/** An instant shown in the client's time zone, naming it, in the firm's locale. */
export function instantLabel(at: string, timeZone: string): string {
  // dateStyle/timeStyle cannot be combined with timeZoneName: the fields one by one.
  return dateTimeFormat({
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(at));
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
/**
 * The exact sum of the API's decimal strings (a column's total), never through a float: each is
 * scaled to the most decimals any of them has and added as a BigInt. Anything but
 * `-?digits(.digits)?` throws, as formatMoney does.
 */
export function sumDecimals(amounts: readonly string[]): string {
  const parts = amounts.map((a) => {
    const m = DECIMAL.exec(a);
    if (!m) throw new Error(`not a decimal amount: ${JSON.stringify(a)}`);
    return { negative: m[1] === '-', whole: m[2]!, fraction: m[3] ?? '' };
  });
  const scale = Math.max(0, ...parts.map((p) => p.fraction.length));
  let total = 0n;
  for (const p of parts) {
    const n = BigInt(p.whole + p.fraction.padEnd(scale, '0'));
    total += p.negative ? -n : n;
  }
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** a − b, exact: the API's decimal strings through sumDecimals (the ITBMS return's difference with the GL). */
export const difference = (a: string, b: string) =>
  sumDecimals([a, b.startsWith('-') ? b.slice(1) : `-${b}`]);
