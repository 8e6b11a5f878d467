import { type Actor, control, withClient } from '@cifra/db';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProviders } from '../src/providers/index.ts';
import { clientFx } from '../src/services/client-fx.service.ts';
import { overrideExchangeRate } from '../src/services/override-rate.service.ts';
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
const actor: Actor = {
  userId: '00000000-0000-4000-8000-000000000001',
  email: 'senior@test.firm',
  requestId: 'r1',
};

beforeAll(async () => {
  http = await startFakeProvider();
  world = await createFxWorld([]);
});
afterEach(() => {
  clock = new Date('2026-11-26T15:00:00Z');
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

describe('a rate that moved implausibly far since the day before is refused alone', () => {
  it('keeps the last known rate until a person confirms the move with an override', async () => {
    const client = await panamaClient('jump', ['USD', 'EUR', 'GBP']);
    const at = (day: string) => {
      clock = new Date(`${day}T15:00:00Z`); // 10:00 in Panama
    };
    // 25 November: EUR 1.08, GBP 1.08 / 0.83 = 1.301204819277.
    at('2026-11-25');
    http.set('/jump-25.xml', { body: ecbXml({ '2026-11-25': { USD: '1.0800', GBP: '0.8300' } }) });
    expect((await refreshClient(deps('/jump-25'), client.id)).stored.sort()).toEqual(['EUR', 'GBP', 'USD']);

    // 26 November: EUR moves 0.9 % (kept); GBP quoted at 0.5000, a cross of 2.18 (+67.5 %: refused).
    at('2026-11-26');
    http.set('/jump-26.xml', { body: ecbXml({ '2026-11-26': { USD: '1.0900', GBP: '0.5000' } }) });
    const jumped = await refreshClient(deps('/jump-26'), client.id);
    expect(jumped.stored.sort()).toEqual(['EUR', 'USD']);
    expect(jumped.missing).toEqual(['GBP']);
    const s = await status(client.id);
    expect(s?.missingCurrencies).toEqual(['GBP']);
    expect(s?.lastError).toMatch(
      /GBP\/PAB moved \+67\.5 % from 1\.301204819277 to 2\.18 \(more than 25 %\) since 2026-11-25: the last known rate stays in use/,
    );
    expect((await stored(client)).filter((r) => r.currency === 'GBP').map((r) => r.rate_date)).toEqual([
      '2026-11-25',
    ]);
    // A fall as far is refused too: EUR at 0.8600 is 1.09 → 0.86, −21.1 %.
    at('2026-11-27');
    http.set('/fall-27.xml', { body: ecbXml({ '2026-11-27': { USD: '0.8600', GBP: '0.6615' } }) });
    const fell = await refreshClient(deps('/fall-27'), client.id);
    expect(fell.missing).toEqual(['EUR']);
    expect((await status(client.id))?.lastError).toMatch(/EUR\/PAB moved -21\.1 % from 1\.09 to 0\.86/);

    // A person confirms GBP's move for the 27th: from then on the provider's quotes near it are kept.
    const db = await world.registry.db(client.id);
    await overrideExchangeRate(db, await clientFx(db), actor, {
      currency: 'GBP',
      date: '2026-11-27',
      rate: '2.18',
      reason: 'Sterling re-based overnight: confirmed with the bank',
    });
    at('2026-11-28');
    http.set('/after-28.xml', { body: ecbXml({ '2026-11-28': { USD: '1.0900', GBP: '0.5010' } }) });
    const after = await refreshClient(deps('/after-28'), client.id);
    expect(after.stored.sort()).toEqual(['EUR', 'GBP', 'USD']);
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
