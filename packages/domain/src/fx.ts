import { DateTime, type Zone } from 'luxon';
import type { IsoDate } from './calendar.ts';
import { badInput } from './errors.ts';
import { type CurrencyPeg, PANAMA } from './templates/panama.ts';

/**
 * Exchange rates are exact decimals, never floats. A rate is "units of the client's base currency
 * for one unit of the foreign currency" (EUR→PAB 1.0812 means EUR 1.00 = PAB 1.0812), held in
 * TypeScript as a bigint scaled by 10^RATE_SCALE and in PostgreSQL as numeric(28, 12): sixteen
 * integer digits and twelve decimals. Twelve decimals keep at least six significant digits for any
 * rate down to 0.000001 — more than any reference-rate publisher gives (the ECB publishes five or
 * six significant digits).
 *
 * Rounding, wherever a result has more digits than that, is half-to-even (banker's rounding) at the
 * twelfth decimal, done once per derived rate: a cross rate is computed from the published rates in
 * one exact division and rounded then, never from already-rounded intermediate rates.
 */
export const RATE_SCALE = 12;
export const RATE_INTEGER_DIGITS = 16;
const ONE = 10n ** BigInt(RATE_SCALE);
const MAX_RATE = 10n ** BigInt(RATE_INTEGER_DIGITS + RATE_SCALE);

/** A rate × 10^12. */
export type ScaledRate = bigint;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Integer division rounded half-to-even; works for any signs. */
export function divHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let q = n / d;
  const r2 = (n % d) * 2n;
  if (r2 > d || (r2 === d && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
}

/**
 * A rate typed by a person (an override): a plain positive decimal with at most twelve decimals.
 * More precision is refused rather than rounded, so what the user typed is exactly what is kept.
 */
export function parseRate(text: string, field = 'rate'): ScaledRate {
  const m = DECIMAL.exec(text.trim());
  if (!m)
    throw badInput(`${field}: "${text}" is not a decimal rate such as "1.0812"`, { field, value: text });
  const [, whole = '0', fraction = ''] = m;
  if (fraction.length > RATE_SCALE) {
    throw badInput(`${field}: "${text}" has more than ${RATE_SCALE} decimal places`, { field, value: text });
  }
  const scaled = BigInt(whole + fraction.padEnd(RATE_SCALE, '0'));
  if (scaled <= 0n) throw badInput(`${field}: a rate must be greater than zero`, { field, value: text });
  if (scaled >= MAX_RATE) {
    throw badInput(`${field}: "${text}" has more than ${RATE_INTEGER_DIGITS} integer digits`, {
      field,
      value: text,
    });
  }
  return scaled;
}

/**
 * A rate published by a provider, as the decimal text it published. Any digits beyond the twelfth
 * decimal are rounded half-to-even (no known publisher sends that many). Exponents are refused.
 */
export function parsePublishedRate(text: string): ScaledRate {
  const scaled = scalePublishedRate(text);
  if (scaled <= 0n || scaled >= MAX_RATE) throw new Error(`"${text}" is not a usable rate`);
  return scaled;
}

/** `parsePublishedRate` without the range check: zero and rates too large for the column pass. */
export function scalePublishedRate(text: string): ScaledRate {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a decimal rate`);
  const [, whole = '0', fraction = ''] = m;
  return fraction.length <= RATE_SCALE
    ? BigInt(whole + fraction.padEnd(RATE_SCALE, '0'))
    : divHalfEven(BigInt(whole + fraction), 10n ** BigInt(fraction.length - RATE_SCALE));
}

/**
 * The range a fetched rate (a provider's quote, or the cross rate derived from two) must fall in to
 * be kept: 0.000000001 to 1,000,000,000. Below, twelve decimals keep fewer than four significant
 * digits; above, no pair of circulating currencies comes near (the widest, a dinar against the
 * rial, is a few million), and a cross of two absurd quotes would not fit numeric(28,12) at all.
 */
export const MIN_FETCHED_RATE: ScaledRate = 1_000n;
export const MAX_FETCHED_RATE: ScaledRate = 10n ** 9n * ONE;

/** Why a fetched rate is not kept (outside MIN/MAX_FETCHED_RATE); null when it is. */
export function fetchedRateProblem(rate: ScaledRate): string | null {
  if (rate >= MIN_FETCHED_RATE && rate <= MAX_FETCHED_RATE) return null;
  return `${formatRate(rate)} is outside ${formatRate(MIN_FETCHED_RATE)} to ${formatRate(MAX_FETCHED_RATE)}`;
}

/**
 * How far a fetched rate may move from the one in force before it, either way, before it is taken
 * for a misquote rather than a market: 25 % up, or down to 1 ÷ 1.25 (a 20 % fall). A currency that
 * really moves so far in a day is rare enough for a person to confirm with an override.
 */
export const MAX_RATE_MOVE_PERCENT = 25n;

/** Why `after` is not believed as the next rate after `before` (it moved past MAX_RATE_MOVE_PERCENT); null when it is. */
export function rateMoveProblem(before: ScaledRate, after: ScaledRate): string | null {
  const limit = 100n + MAX_RATE_MOVE_PERCENT;
  if (after * 100n <= before * limit && after * limit >= before * 100n) return null;
  // The move in tenths of a per cent, rounded half to even.
  const tenths = divHalfEven((after - before) * 1000n, before);
  const sign = tenths < 0n ? '-' : '+';
  const abs = tenths < 0n ? -tenths : tenths;
  return `moved ${sign}${abs / 10n}.${abs % 10n} % from ${formatRate(before)} to ${formatRate(after)} (more than ${MAX_RATE_MOVE_PERCENT} %)`;
}

/** Canonical text: no trailing zeros ("1.0812", "1", "0.000062"). */
export function formatRate(rate: ScaledRate): string {
  const digits = rate.toString().padStart(RATE_SCALE + 1, '0');
  const whole = digits.slice(0, digits.length - RATE_SCALE);
  const fraction = digits.slice(digits.length - RATE_SCALE).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

/** The rate as numeric(28,12) text for the database. */
export function rateToSql(rate: ScaledRate): string {
  const digits = rate.toString().padStart(RATE_SCALE + 1, '0');
  return `${digits.slice(0, digits.length - RATE_SCALE)}.${digits.slice(digits.length - RATE_SCALE)}`;
}

/** a ÷ b, both scaled, rounded half-to-even at the twelfth decimal. */
export function divideRates(a: ScaledRate, b: ScaledRate): ScaledRate {
  return divHalfEven(a * ONE, b);
}

export const RATE_ONE: ScaledRate = ONE;

/**
 * An amount in a foreign currency's minor units, translated into the base currency's minor units at
 * `rate`: exact product, then one half-to-even rounding to the base currency's minor unit.
 */
export function translateMinor(
  amountMinor: bigint,
  fromMinorUnits: number,
  rate: ScaledRate,
  toMinorUnits: number,
): bigint {
  const numerator = amountMinor * rate * 10n ** BigInt(toMinorUnits);
  const denominator = ONE * 10n ** BigInt(fromMinorUnits);
  return divHalfEven(numerator, denominator);
}

/**
 * What a provider publishes for one day: currencies quoted against one anchor currency. With
 * `UNITS_PER_ANCHOR` (the ECB's convention) USD 1.0812 means 1.0812 USD for one EUR; with
 * `ANCHOR_PER_UNIT` it means 1.0812 units of the anchor for one USD.
 */
export interface RateSnapshot {
  provider: string;
  date: IsoDate;
  anchor: string;
  style: 'UNITS_PER_ANCHOR' | 'ANCHOR_PER_UNIT';
  /** currency → its published quote (the anchor itself is implicit, 1). */
  quotes: ReadonlyMap<string, ScaledRate>;
  /** currency → why its quote was refused (`fetchedRateProblem`): it counts as not quoted. */
  refused?: ReadonlyMap<string, string>;
}

export interface DerivedRate {
  rate: ScaledRate;
  /** How it was computed from the published quotes, for provenance. */
  derivation: string;
}

/** Pegs that apply to a client, by its region: the regional configuration says which currencies are fixed to which. */
export function pegsForRegion(region: string): readonly CurrencyPeg[] {
  return REGION_PEGS[region] ?? [];
}

const REGION_PEGS: Readonly<Record<string, readonly CurrencyPeg[]>> = {
  [PANAMA.region]: PANAMA.currencyPegs ?? [],
};

/**
 * A currency pair fixed by law in the client's region (PAB↔USD in Panama, both ways): the rate is
 * the peg's, exactly, and no provider is consulted.
 */
export function peggedRate(foreign: string, base: string, pegs: readonly CurrencyPeg[]): ScaledRate | null {
  for (const peg of pegs) {
    const rate = parseRate(peg.rate);
    if (peg.currency === base && peg.anchor === foreign) return rate;
    if (peg.currency === foreign && peg.anchor === base) return divideRates(ONE, rate);
  }
  return null;
}

/** An exact fraction: how many units of a currency make one unit of the snapshot's anchor. */
interface Fraction {
  num: bigint;
  den: bigint;
  via: string;
}

/**
 * The rate of `foreign` in `base` from a snapshot, crossing through the snapshot's anchor:
 * base-per-foreign = (base per anchor) ÷ (foreign per anchor). Every quote and peg is kept as an
 * exact fraction and the result is rounded once, half-to-even at the twelfth decimal. A currency
 * the provider does not quote but which is pegged to one it does (PAB→USD) is read through the
 * peg. Null when the snapshot lacks either side.
 */
export function crossRate(
  snapshot: RateSnapshot,
  foreign: string,
  base: string,
  pegs: readonly CurrencyPeg[] = [],
): DerivedRate | null {
  const quoted = (code: string): Fraction | null => {
    if (code === snapshot.anchor) return { num: 1n, den: 1n, via: code };
    const q = snapshot.quotes.get(code);
    if (q === undefined) return null;
    return snapshot.style === 'UNITS_PER_ANCHOR'
      ? { num: q, den: ONE, via: code }
      : { num: ONE, den: q, via: code };
  };
  const perAnchor = (code: string): Fraction | null => {
    const direct = quoted(code);
    if (direct) return direct;
    for (const peg of pegs) {
      if (peg.currency !== code) continue;
      const anchor = quoted(peg.anchor);
      if (!anchor) continue;
      // units of `code` per snapshot anchor = (peg anchor units per snapshot anchor) × peg rate.
      return {
        num: anchor.num * parseRate(peg.rate),
        den: anchor.den * ONE,
        via: `${peg.anchor}, ${code} pegged at ${peg.rate}`,
      };
    }
    return null;
  };
  const b = perAnchor(base);
  const f = perAnchor(foreign);
  if (!b || !f) return null;
  const rate = divHalfEven(b.num * f.den * ONE, b.den * f.num);
  const side = (x: Fraction) => (x.via === snapshot.anchor ? '1' : `${x.via} per ${snapshot.anchor}`);
  return {
    rate,
    derivation: `${snapshot.provider} ${snapshot.date}: (${side(b)}) / (${side(f)})`,
  };
}

/**
 * The next moment, strictly after `after`, at which a client's local clock reads `localTime`
 * (HH:mm) in `timezone`. DST-correct through luxon: on a spring-forward day a local time that does
 * not exist runs at the first instant after the gap (02:30 becomes 03:30); on a fall-back day an
 * ambiguous time runs once, at its second occurrence (standard time), whatever the season the
 * computation runs in (`laterInstantOf`).
 */
export function nextLocalRun(after: Date, timezone: string, localTime: string): Date {
  const [hour, minute] = localTime.split(':').map(Number) as [number, number];
  const now = DateTime.fromJSDate(after).setZone(timezone);
  if (!now.isValid) throw badInput(`"${timezone}" is not a time zone`);
  for (let days = 0; days <= 2; days += 1) {
    const day = now.plus({ days }).startOf('day');
    const at = laterInstantOf(day, hour, minute, now.zone);
    if (at > after.getTime()) return new Date(at);
  }
  throw new Error('unreachable: a local time recurs within two days');
}

/**
 * The instant at which `zone`'s clock reads `hour:minute` on `day`: luxon's reading, or the later
 * of the two when the clock reads it twice. Luxon picks between the two by the offset in force at
 * the moment it runs, so the same call answered the first occurrence in summer and the second in
 * winter; each offset in force the day before and the day after is tried here instead, and every
 * instant it names that the zone agrees with is a reading.
 */
function laterInstantOf(day: DateTime, hour: number, minute: number, zone: Zone): number {
  const read = DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour, minute },
    { zone },
  );
  const wall = Date.UTC(day.year, day.month - 1, day.day, hour, minute);
  let latest = read.toMillis();
  for (const probe of [latest - 86_400_000, latest + 86_400_000]) {
    const offset = zone.offset(probe);
    const instant = wall - offset * 60_000;
    if (zone.offset(instant) === offset && instant > latest) latest = instant;
  }
  return latest;
}
