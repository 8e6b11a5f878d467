import { type Actor, pg, type TenantDb, tenantDb } from '@cifra/db';
import { DomainError, formatRate, parsePublishedRate, pegsForRegion } from '@cifra/domain';
import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientFx } from '../src/services/client-fx.service.ts';
import { overrideExchangeRate } from '../src/services/override-rate.service.ts';
import { lookupRate, rateHistory } from '../src/services/rates.service.ts';
import { rows } from './support.ts';

let tdb: TestDatabase;
let pool: pg.Pool;
let db: TenantDb;
const usdClient: ClientFx = { baseCurrency: 'USD', region: 'US', timezone: 'America/New_York', pegs: [] };
const pabClient: ClientFx = {
  baseCurrency: 'PAB',
  region: 'PA',
  timezone: 'America/Panama',
  pegs: pegsForRegion('PA'),
};
const actor: Actor = {
  userId: '00000000-0000-4000-8000-000000000001',
  email: 'senior@test.firm',
  requestId: 'r1',
};
const REASON = 'Bank confirmed the contract rate for this date';

async function fetched(currency: string, date: string, rate: string, base = 'USD', source = 'ECB') {
  await rows(
    tdb,
    `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source) VALUES ($1, $2, $3, $4, $5)`,
    [date, currency, base, rate, source],
  );
}

const count = async (table: string) =>
  (await rows<{ n: number }>(tdb, `SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

beforeAll(async () => {
  tdb = await createTestTenantDatabase();
  pool = new pg.Pool({ connectionString: tdb.appUrl, max: 2 });
  db = tenantDb(pool);
  await fetched('EUR', '2026-11-16', '1.0790');
  await fetched('EUR', '2026-11-17', '1.0801');
  await fetched('EUR', '2026-11-20', '1.0812');
});

afterAll(async () => {
  await pool.end();
  await tdb.drop();
});

describe('exchangeRate(currency, date)', () => {
  it('answers the rate of the day, not a fallback', async () => {
    const r = await lookupRate(db, usdClient, 'EUR', '2026-11-20', 7);
    expect(formatRate(r.rate)).toBe('1.0812');
    expect(r).toMatchObject({
      rateDate: '2026-11-20',
      source: 'ECB',
      isFallback: false,
      isOverride: false,
      ageDays: 0,
    });
    expect(r.id).not.toBeNull();
  });

  it('falls back to the latest rate before the date, and says so', async () => {
    const r = await lookupRate(db, usdClient, 'EUR', '2026-11-19', 7);
    expect(formatRate(r.rate)).toBe('1.0801');
    expect(r).toMatchObject({
      requestedDate: '2026-11-19',
      rateDate: '2026-11-17',
      isFallback: true,
      ageDays: 2,
    });
  });

  it('refuses with RATE_NOT_AVAILABLE past the staleness limit, naming the latest known rate', async () => {
    const err = await lookupRate(db, usdClient, 'EUR', '2026-11-19', 1).catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err.code).toBe('RATE_NOT_AVAILABLE');
    expect(err.details).toMatchObject({ latestRateDate: '2026-11-17', stalenessDays: 1 });
    const none = await lookupRate(db, usdClient, 'GBP', '2026-11-19', 7).catch((e) => e);
    expect(none.code).toBe('RATE_NOT_AVAILABLE');
  });

  it('the base currency is 1 and PAB↔USD is the peg, exactly, never a fallback', async () => {
    const base = await lookupRate(db, usdClient, 'USD', '2026-11-19', 0);
    expect(formatRate(base.rate)).toBe('1');
    const peg = await lookupRate(db, pabClient, 'USD', '2030-01-01', 0);
    expect(formatRate(peg.rate)).toBe('1');
    expect(peg).toMatchObject({ source: 'PEG', isFallback: false, rateDate: '2030-01-01' });
  });
});

describe('overrideExchangeRate(currency, date, rate, reason)', () => {
  it('refuses a reason under 20 characters and writes nothing', async () => {
    const [rates, events] = [await count('exchange_rates'), await count('audit_events')];
    const err = await overrideExchangeRate(db, usdClient, actor, {
      currency: 'EUR',
      date: '2026-11-20',
      rate: '1.09',
      reason: 'too short',
    }).catch((e) => e);
    expect(err.code).toBe('REASON_TOO_SHORT');
    expect(await count('exchange_rates')).toBe(rates);
    expect(await count('audit_events')).toBe(events);
  });

  it('refuses a bad rate, the base currency and a pegged pair, writing nothing', async () => {
    const rates = await count('exchange_rates');
    const tries = [
      { client: usdClient, currency: 'EUR', rate: '1e3' },
      { client: usdClient, currency: 'EUR', rate: '0' },
      { client: usdClient, currency: 'EUR', rate: '1.0000000000001' },
      { client: usdClient, currency: 'USD', rate: '1.1' },
      { client: pabClient, currency: 'USD', rate: '1.01' },
    ];
    for (const t of tries) {
      const err = await overrideExchangeRate(db, t.client, actor, {
        currency: t.currency,
        date: '2026-11-20',
        rate: t.rate,
        reason: REASON,
      }).catch((e) => e);
      expect(err.code, JSON.stringify(t)).toBe('BAD_USER_INPUT');
    }
    expect(await count('exchange_rates')).toBe(rates);
  });

  it('wins over the provider for that date, keeps the provider row, and is audited in the same transaction', async () => {
    const row = await overrideExchangeRate(db, usdClient, actor, {
      currency: 'EUR',
      date: '2026-11-20',
      rate: '1.0900',
      reason: REASON,
    });
    expect(row).toMatchObject({
      isOverride: true,
      source: 'OVERRIDE',
      overrideByEmail: actor.email,
      overrideReason: REASON,
    });
    const r = await lookupRate(db, usdClient, 'EUR', '2026-11-20', 7);
    expect(formatRate(r.rate)).toBe('1.09');
    expect(r).toMatchObject({ isOverride: true, overrideReason: REASON, isFallback: false });
    // The next day without a provider rate falls back to the overridden rate.
    const next = await lookupRate(db, usdClient, 'EUR', '2026-11-21', 7);
    expect(next).toMatchObject({ isOverride: true, isFallback: true });
    const [event] = await rows<{
      action: string;
      reason: string;
      entity_id: string;
      before: { rate: string };
    }>(tdb, `SELECT action, reason, entity_id, before FROM audit_events WHERE action = 'fx.rate_overridden'`);
    expect(event).toMatchObject({
      action: 'fx.rate_overridden',
      reason: REASON,
      entity_id: row.id.toString(),
    });
    expect(formatRate(parsePublishedRate(event!.before.rate))).toBe('1.0812');
  });

  it('a later override replaces an earlier one; the history shows every row and which is in force', async () => {
    await overrideExchangeRate(db, usdClient, actor, {
      currency: 'EUR',
      date: '2026-11-20',
      rate: '1.0850',
      reason: `${REASON} (corrected)`,
    });
    expect(formatRate((await lookupRate(db, usdClient, 'EUR', '2026-11-20', 7)).rate)).toBe('1.085');
    const history = await rateHistory(db, usdClient, 'EUR', '2026-11-17', '2026-11-20');
    expect(
      history.map((h) => [h.rateDate, h.source, formatRate(parsePublishedRate(h.rate)), h.effective]),
    ).toEqual([
      ['2026-11-17', 'ECB', '1.0801', true],
      ['2026-11-20', 'ECB', '1.0812', false],
      ['2026-11-20', 'OVERRIDE', '1.09', false],
      ['2026-11-20', 'OVERRIDE', '1.085', true],
    ]);
  });
});

describe('the history is append-only in the database itself', () => {
  it('refuses UPDATE and DELETE, even for the owner, and UPDATE is not granted to the application', async () => {
    await expect(rows(tdb, `UPDATE exchange_rates SET rate = 2 WHERE currency = 'EUR'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(rows(tdb, `DELETE FROM exchange_rates`)).rejects.toThrow(/append-only/);
    // GL lines and documents cite rates by foreign key (FX provenance): PostgreSQL refuses the
    // TRUNCATE for that before the append-only trigger would.
    await expect(rows(tdb, `TRUNCATE exchange_rates`)).rejects.toThrow(/append-only|foreign key/);
    await expect(pool.query(`UPDATE exchange_rates SET rate = 2`)).rejects.toThrow(/permission denied/);
    expect(formatRate((await lookupRate(db, usdClient, 'EUR', '2026-11-17', 7)).rate)).toBe('1.0801');
  });

  it('refuses an override without who and why, and a non-positive rate', async () => {
    await expect(
      pool.query(
        `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, is_override) VALUES ('2026-11-20', 'EUR', 'USD', 1, 'OVERRIDE', true)`,
      ),
    ).rejects.toThrow(/exchange_rates_override_who_why/);
    await expect(
      pool.query(
        `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source) VALUES ('2026-11-21', 'EUR', 'USD', 0, 'ECB')`,
      ),
    ).rejects.toThrow(/exchange_rates_positive/);
  });
});
