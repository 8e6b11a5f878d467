import type { RateSnapshot } from '@cifra/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateProvider, RateRequest } from '../src/providers/index.ts';
import { backfillRates } from '../src/services/backfill-rates.service.ts';
import { clientFx } from '../src/services/client-fx.service.ts';
import { lookupRate } from '../src/services/rates.service.ts';
import { createFxWorld, type FxWorld, rows } from './support.ts';

let world: FxWorld;
beforeAll(async () => {
  world = await createFxWorld([{ slug: 'panama-client', timezone: 'America/Panama', baseCurrency: 'PAB' }]);
});
afterAll(async () => world?.close());

/** Publishes on weekdays only (a weekend is answered with Friday's rates), in EUR per USD and GBP per USD. */
class WeekdayProvider implements RateProvider {
  readonly id = 'WEEKDAYS';
  asked: string[] = [];
  async fetchRates(request: RateRequest): Promise<RateSnapshot> {
    let date = request.date as string;
    this.asked.push(date);
    while ([0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay()))
      date = new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const day = Number(date.slice(8, 10));
    return {
      provider: this.id,
      date,
      anchor: 'USD',
      style: 'UNITS_PER_ANCHOR',
      quotes: new Map([
        ['EUR', 800_000_000_000n + BigInt(day) * 1_000_000_000n],
        ...(day < 10 ? [['GBP', 800_000_000_000n] as [string, bigint]] : []),
      ]),
    };
  }
}

describe('backfillRates', () => {
  it('stores each published day once, crossed into the base currency, and a second run adds nothing', async () => {
    const client = world.clients[0]!;
    const db = await world.registry.db(client.id);
    const provider = new WeekdayProvider();
    const actor = { userId: null, email: 'system@test', reason: 'backfill test' };
    // 2031-03-03 is a Monday: two weeks hold ten weekdays.
    const args = { from: '2031-03-03', to: '2031-03-16', currencies: ['EUR', 'GBP', 'PAB'] };
    const first = await backfillRates(db, actor, provider, args);
    expect(provider.asked).toHaveLength(14);
    // Ten weekdays of EUR, and GBP on the five before the 10th (the provider stopped quoting it).
    expect(first).toEqual({ stored: 15, daysWithoutNewRates: 4 });
    const stored = await rows<{ currency: string; rate_date: string; rate: string; source: string }>(
      client.db,
      `SELECT currency, rate_date::text, rate::text, source FROM exchange_rates ORDER BY currency, rate_date`,
    );
    expect(stored.filter((r) => r.currency === 'EUR').map((r) => r.rate_date)).not.toContain('2031-03-08');
    // 1 EUR = 1 / 0.803 USD, and PAB is pegged to USD 1:1.
    expect(stored.find((r) => r.currency === 'EUR' && r.rate_date === '2031-03-03')).toMatchObject({
      rate: '1.245330012453',
      source: 'WEEKDAYS',
    });
    // A weekend day is answered by Friday's rate, as a fallback.
    const fx = await clientFx(db);
    const sunday = await lookupRate(db, fx, 'EUR', '2031-03-09', 7);
    expect(sunday).toMatchObject({ rateDate: '2031-03-07', isFallback: true });
    const events = await rows(
      client.db,
      `SELECT after FROM audit_events WHERE action = 'fx.rates_backfilled'`,
    );
    expect(events).toHaveLength(1);
    expect(await backfillRates(db, actor, provider, args)).toEqual({ stored: 0, daysWithoutNewRates: 4 });
  });

  it('refuses a range that ends before it starts, and writes nothing', async () => {
    const db = await world.registry.db(world.clients[0]!.id);
    const actor = { userId: null, email: 'system@test', reason: 'backfill test' };
    await expect(
      backfillRates(db, actor, new WeekdayProvider(), {
        from: '2031-04-02',
        to: '2031-04-01',
        currencies: ['EUR'],
      }),
    ).rejects.toThrow(/after/);
  });
});
