import { fiscalYearPeriods, parseMoney } from '@cifra/domain';
import { describe, expect, it } from 'vitest';
import { planActivity } from '../src/demo/demo-activity.ts';
import { DEMO_PROFILES } from '../src/demo/demo-profiles.ts';
import { DemoRateProvider } from '../src/demo/demo-rates.ts';
import { hashSeed } from '../src/demo/prng.ts';

const periods = [...fiscalYearPeriods(2031, 1), ...fiscalYearPeriods(2032, 1)];

describe('the demo plan', () => {
  it('is the same for the same profile and day, and another on another day', () => {
    for (const profile of DEMO_PROFILES) {
      const seed = hashSeed(profile.slug);
      const a = planActivity(profile, seed, periods, '2032-05-17');
      expect(planActivity(profile, seed, periods, '2032-05-17')).toEqual(a);
      expect(planActivity(profile, seed, periods, '2032-05-18')).not.toEqual(a);
    }
  });

  it('balances every entry, and dates everything from the first period to the day it is planned on', () => {
    for (const today of ['2032-01-01', '2032-02-29', '2032-12-31']) {
      for (const profile of DEMO_PROFILES) {
        const months = planActivity(profile, hashSeed(profile.slug), periods, today);
        expect((months.at(-1)?.period.startDate ?? '') <= today).toBe(true);
        for (const m of months) {
          for (const e of m.entries) {
            const sum = e.lines.reduce(
              (s, l) => s + parseMoney(l.debit ?? '0', 2) - parseMoney(l.credit ?? '0', 2),
              0n,
            );
            expect(sum, `${profile.slug} ${e.postingDate} ${e.memo}`).toBe(0n);
            expect(e.postingDate >= m.period.startDate && e.postingDate <= today).toBe(true);
          }
          for (const d of m.documents) expect(d.date >= m.period.startDate && d.date <= today).toBe(true);
        }
      }
    }
  });
});

describe('the demo rates', () => {
  it('quote a day the same whenever they are asked, and stop where told', async () => {
    const a = await new DemoRateProvider().fetchRates({ date: '2031-03-04', currencies: [] });
    const b = await new DemoRateProvider({ GBP: '2031-03-03' }).fetchRates({
      date: '2031-03-04',
      currencies: [],
    });
    expect(b.quotes.get('EUR')).toBe(a.quotes.get('EUR'));
    expect(a.quotes.get('GBP')).toBeGreaterThan(0n);
    expect(b.quotes.has('GBP')).toBe(false);
  });
});
