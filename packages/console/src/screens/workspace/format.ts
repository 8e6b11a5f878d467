import { formatMoney } from '../../money.ts';

/** "0", "0.00", "-0.00": nothing to show in a debit or credit column. */
export const isZero = (amount: string) => /^-?0*(\.0*)?$/.test(amount);

/** An amount of the API in the client's currency, exact (money.ts); empty for a zero when `blankZero`. */
export function money(amount: string, currency: string, blankZero = false): string {
  return blankZero && isZero(amount) ? '' : formatMoney(amount, currency);
}

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

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar day as YYYY-MM-DD (31 February is not: the Date would roll it into March). */
export const isIsoDate = (s: string | null | undefined): s is string => {
  if (!s || !ISO_DATE.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
};

const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });
/** A calendar date of the books (no time zone: it is the client's day). */
export const dateLabel = (d: string) => dateFormat.format(new Date(`${d}T00:00:00Z`));

const instantFormats = new Map<string, Intl.DateTimeFormat>();
/** An instant shown in the client's time zone, naming it. */
export function instantLabel(at: string, timeZone: string): string {
  let f = instantFormats.get(timeZone);
  if (!f) {
    // dateStyle/timeStyle cannot be combined with timeZoneName: the fields one by one.
    f = new Intl.DateTimeFormat('en', {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      second: '2-digit',
      timeZone,
      timeZoneName: 'short',
    });
    instantFormats.set(timeZone, f);
  }
  return f.format(new Date(at));
}
