import { control, withClient } from '@cifra/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviders } from '../src/providers/index.ts';
import { refreshClient } from '../src/services/refresh-rates.service.ts';
import {
  createFxWorld,
  ecbXml,
  type FakeProvider,
  type FxWorld,
  rows,
  startFakeProvider,
  type TestClient,
} from './support.ts';

// One bad value from a provider costs that value alone: the rest of the day's rates and the peg are
// stored, and whatever fails is recorded in the client's refresh status.
let http: FakeProvider;
let world: FxWorld;
let clock = new Date('2026-11-26T15:00:00Z'); // 10:00 on 26 November in Panama
const now = () => clock;

beforeAll(async () => {
  http = await startFakeProvider();
  world = await createFxWorld([]);
});
afterAll(async () => {
  await world?.close();
  await http?.close();
});

const status = async (tenantId: string) =>
  (
    await world.control
      .select()
      .from(control.fxRefreshStatus)
      .where(eq(control.fxRefreshStatus.tenantId, tenantId))
  )[0];

const stored = (client: TestClient) =>
  rows<{ currency: string; rate: string; source: string; rate_date: string }>(
    client.db,
    `SELECT currency, rate::text, source, to_char(rate_date, 'YYYY-MM-DD') AS rate_date
       FROM exchange_rates ORDER BY currency`,
  );

/** A Panama client fetching `currencies` from `provider` (ECB, or the JSON endpoint `DESK`). */
async function panamaClient(slug: string, currencies: string[], provider = 'ECB'): Promise<TestClient> {
  const client = await world.addClient({ slug, timezone: 'America/Panama', baseCurrency: 'PAB' });
  await world.control.insert(control.tenantSettingOverrides).values([
    { tenantId: client.id, key: 'fxCurrencies', value: currencies },
    { tenantId: client.id, key: 'fxProvider', value: provider },
  ]);
  return client;
}

function deps(path: string) {
  const providers = createProviders({
    ecbUrl: http.url(`${path}.xml`),
    json: [{ id: 'DESK', url: http.url(`${path}/{date}`) }],
  });
  return { control: world.control, registry: world.registry, providers, now };
}

const deskAnswers = (path: string, body: unknown) =>
  http.set(`${path}/latest`, { type: 'application/json', body: JSON.stringify(body) });

describe('a rate outside what the history can hold is refused alone', () => {
  it('stores EUR, GBP and the peg when the MXN cross rate would not fit numeric(28,12)', async () => {
    const client = await panamaClient('absurd-mxn', ['USD', 'EUR', 'GBP', 'MXN', 'COP']);
    http.set('/absurd.xml', {
      body: ecbXml({ '2026-11-26': { USD: '99999', GBP: '0.8300', MXN: '0.000000000001' } }),
    });
    const result = await refreshClient(deps('/absurd'), client.id);
    expect(result.stored.sort()).toEqual(['EUR', 'GBP', 'USD']);
    expect(result.missing).toEqual(['MXN', 'COP']);
    expect(await stored(client)).toEqual([
      { currency: 'EUR', rate: '99999.000000000000', source: 'ECB', rate_date: '2026-11-26' },
      { currency: 'GBP', rate: '120480.722891566265', source: 'ECB', rate_date: '2026-11-26' },
      { currency: 'USD', rate: '1.000000000000', source: 'PEG', rate_date: '2026-11-26' },
    ]);
    const s = await status(client.id);
    expect(s).toMatchObject({ lastAttemptAt: clock, lastSuccessAt: clock, lastRateDate: '2026-11-26' });
    expect(s?.missingCurrencies).toEqual(['MXN', 'COP']);
    expect(s?.lastError).toMatch(/did not quote COP/);
    expect(s?.lastError).toMatch(/MXN.*outside/);
    expect(s?.nextRetryAt).toBeNull();
  });

  it('refuses a quote of zero, or below what twelve decimals keep, as if it were not quoted', async () => {
    const client = await panamaClient('zero-quote', ['USD', 'EUR', 'GBP', 'JPY']);
    http.set('/zero.xml', {
      body: ecbXml({ '2026-11-26': { USD: '1.0500', GBP: '0', JPY: '0.0000000000001' } }),
    });
    const result = await refreshClient(deps('/zero'), client.id);
    expect(result).toMatchObject({ missing: ['GBP', 'JPY'], rateDate: '2026-11-26' });
    expect((await stored(client)).map((r) => r.currency)).toEqual(['EUR', 'USD']);
    expect((await status(client.id))?.lastError).toMatch(/GBP.*outside.*JPY.*outside/);
  });
});

describe('a provider answer that is not a usable day is a recorded provider error', () => {
  it('a date that is not in the calendar: the peg is stored and the failure shown', async () => {
    const client = await panamaClient('calendar', ['USD', 'EUR'], 'DESK');
    deskAnswers('/calendar', { date: '2026-13-45', base: 'USD', rates: { EUR: '0.9500' } });
    const err = await refreshClient(deps('/calendar'), client.id, { attempt: 1 }).catch((e) => e);
    expect(err?.name).toBe('ProviderError');
    expect(err.message).toMatch(/2026-13-45/);
    expect(await stored(client)).toEqual([
      { currency: 'USD', rate: '1.000000000000', source: 'PEG', rate_date: '2026-11-26' },
    ]);
    const s = await status(client.id);
    expect(s).toMatchObject({ lastAttemptAt: clock, lastSuccessAt: null, consecutiveFailures: 1 });
    expect(s?.lastError).toMatch(/2026-13-45/);
    expect(s?.nextRetryAt?.toISOString()).toBe('2026-11-26T15:05:00.000Z');
  });

  it('rates dated after the client’s tomorrow are refused, never stored for good', async () => {
    const client = await panamaClient('future', ['USD', 'EUR'], 'DESK');
    deskAnswers('/future', { date: '2027-06-30', base: 'USD', rates: { EUR: '0.9500' } });
    const err = await refreshClient(deps('/future'), client.id).catch((e) => e);
    expect(err?.name).toBe('ProviderError');
    expect(err.message).toMatch(/2027-06-30.*2026-11-26/);
    expect((await stored(client)).map((r) => r.currency)).toEqual(['USD']);
    const s = await status(client.id);
    expect(s).toMatchObject({ lastAttemptAt: clock, lastRateDate: null, missingCurrencies: ['EUR'] });
    expect(s?.lastError).toMatch(/2027-06-30/);
  });

  it('rates dated the client’s tomorrow are kept under their own date (a provider a zone ahead)', async () => {
    const client = await panamaClient('tomorrow', ['USD', 'EUR'], 'DESK');
    clock = new Date('2026-11-27T00:30:00Z'); // 19:30 on 26 November in Panama, the 27th in UTC
    deskAnswers('/tomorrow', { date: '2026-11-27', base: 'USD', rates: { EUR: '0.9500' } });
    const result = await refreshClient(deps('/tomorrow'), client.id);
    expect(result).toMatchObject({ rateDate: '2026-11-27', stored: ['USD', 'EUR'], error: null });
    expect((await stored(client)).map((r) => `${r.currency} ${r.rate_date}`)).toEqual([
      'EUR 2026-11-27',
      'USD 2026-11-26',
    ]);
    clock = new Date('2026-11-26T15:00:00Z');
  });
});

describe('a refresh that fails while storing says so in its status', () => {
  it('records the attempt and the error, and plans a retry', async () => {
    const client = await panamaClient('store-fails', ['USD', 'EUR']);
    http.set('/store.xml', { body: ecbXml({ '2026-11-26': { USD: '1.0500' } }) });
    await withClient(client.db.adminUrl, async (c) => {
      await c.query(`CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the disk is full'; END $$`);
      await c.query(`CREATE TRIGGER test_refuse BEFORE INSERT ON exchange_rates
        FOR EACH ROW EXECUTE FUNCTION test_refuse()`);
    });
    const err = await refreshClient(deps('/store'), client.id, { attempt: 2 }).catch((e) => e);
    expect(err?.message).toMatch(/the disk is full|Failed query/);
    const s = await status(client.id);
    expect(s).toMatchObject({ lastAttemptAt: clock, lastSuccessAt: null, consecutiveFailures: 1 });
    expect(s?.lastError).toBeTruthy();
    expect(s?.nextRetryAt?.toISOString()).toBe('2026-11-26T15:10:00.000Z');
    expect(await stored(client)).toEqual([]);
  });
});
