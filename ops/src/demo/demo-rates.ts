import type { IsoDate, RateSnapshot } from '@cifra/domain';
import type { RateProvider, RateRequest } from '@cifra/subgraph-fx';
import { hashSeed } from './prng.ts';

/** The source the demo's rates are stored under (ExchangeRateHistory.source). */
export const DEMO_RATE_SOURCE = 'DEMO';
/** How far back the demo's rate history goes. */
export const DEMO_RATE_DAYS = 400;

/**
 * Units of each currency per US dollar, in millionths, around which the demo's rates move (roughly
 * their level in 2025–2026). The dollar is the anchor: the Panamanian balboa is pegged to it, so
 * the stored rate of EUR in PAB is 1 / (EUR per USD), derived exactly as from any provider.
 */
const LEVEL_PER_USD: Readonly<Record<string, bigint>> = {
  EUR: 920_000n,
  GBP: 785_000n,
  MXN: 18_400_000n,
  COP: 4_050_000_000n,
};

export const DEMO_CURRENCIES = Object.keys(LEVEL_PER_USD);

const DAY_MS = 86_400_000;
const dayNumber = (date: IsoDate) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);

/**
 * A rate provider that needs no network: each day's quote is a function of the currency and the
 * date alone (a slow ±3 % swing over about half a year plus a small daily wobble), so every seed on
 * every machine stores the same history, and a day seeded twice gets the same rate. `stopAfter`
 * makes a currency stop being quoted after a day, as a real provider sometimes does: the lookup then
 * falls back to its last rate, which the stale-rate screens report.
 */
export class DemoRateProvider implements RateProvider {
  readonly id = DEMO_RATE_SOURCE;
  constructor(private readonly stopAfter: Readonly<Record<string, IsoDate>> = {}) {}

  async fetchRates(request: RateRequest): Promise<RateSnapshot> {
    const date = request.date ?? new Date().toISOString().slice(0, 10);
    const quotes = new Map<string, bigint>();
    for (const [currency, level] of Object.entries(LEVEL_PER_USD)) {
      const stop = this.stopAfter[currency];
      if (stop && date > stop) continue;
      quotes.set(currency, quoteOn(currency, level, date));
    }
    return { provider: this.id, date, anchor: 'USD', style: 'UNITS_PER_ANCHOR', quotes };
  }
}

/** The quote × 10^RATE_SCALE, from integer arithmetic only (parts per million of the level). */
function quoteOn(currency: string, level: bigint, date: IsoDate): bigint {
  const day = dayNumber(date) + (hashSeed(currency) % 180);
  // A triangle wave of period 180 days between −30,000 and +30,000 ppm, and ±2,500 ppm of noise.
  const phase = day % 180;
  const swing = (phase < 90 ? phase : 180 - phase) * 667 - 30_000;
  const noise = (hashSeed(`${currency}:${date}`) % 5_001) - 2_500;
  // level (millionths) × ppm (millionths) is the quote scaled by 10^12, the scale of every rate.
  return level * BigInt(1_000_000 + swing + noise);
}
