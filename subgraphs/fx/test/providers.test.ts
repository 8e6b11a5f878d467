import { formatRate } from '@cifra/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EcbProvider, JsonProvider, ProviderError } from '../src/providers/index.ts';
import { ecbXml, type FakeProvider, startFakeProvider } from './support.ts';

let http: FakeProvider;

beforeAll(async () => {
  http = await startFakeProvider();
});
afterAll(() => http.close());

const quotes = (q: ReadonlyMap<string, bigint>) =>
  Object.fromEntries([...q].map(([k, v]) => [k, formatRate(v)]));

describe('ECB reference rates (eurofxref XML)', () => {
  it('reads the daily file: one day, every currency per euro, exact', async () => {
    http.set('/eurofxref-daily.xml', {
      body: ecbXml({ '2026-11-20': { USD: '1.0812', JPY: '162.53', GBP: '0.85430' } }),
    });
    const ecb = new EcbProvider({ url: http.url('/eurofxref-daily.xml') });
    const day = await ecb.fetchRates({ currencies: ['USD'] });
    expect(day).toMatchObject({
      provider: 'ECB',
      date: '2026-11-20',
      anchor: 'EUR',
      style: 'UNITS_PER_ANCHOR',
    });
    expect(quotes(day.quotes)).toEqual({ USD: '1.0812', JPY: '162.53', GBP: '0.8543' });
  });

  it('answers a past date from a history file with the latest day on or before it', async () => {
    http.set('/eurofxref-hist-90d.xml', {
      body: ecbXml({
        '2026-11-20': { USD: '1.0812' },
        '2026-11-19': { USD: '1.0790' },
        '2026-11-17': { USD: '1.0750' },
      }),
    });
    const ecb = new EcbProvider({ url: http.url('/eurofxref-hist-90d.xml') });
    expect((await ecb.fetchRates({ currencies: [], date: '2026-11-19' })).date).toBe('2026-11-19');
    expect((await ecb.fetchRates({ currencies: [], date: '2026-11-18' })).date).toBe('2026-11-17');
    expect((await ecb.fetchRates({ currencies: [] })).date).toBe('2026-11-20');
    await expect(ecb.fetchRates({ currencies: [], date: '2026-01-01' })).rejects.toThrow(ProviderError);
  });

  it('fails as a ProviderError on an outage, a non-XML body, or a bad rate', async () => {
    http.fail('/down.xml', 503);
    http.set('/html.xml', { body: '<html><body>maintenance</body></html>' });
    http.set('/bad.xml', { body: ecbXml({ '2026-11-20': { USD: '1,0812' } }) });
    for (const path of ['/down.xml', '/html.xml', '/bad.xml', '/missing.xml']) {
      const ecb = new EcbProvider({ url: http.url(path) });
      await expect(ecb.fetchRates({ currencies: [] }), path).rejects.toThrow(ProviderError);
    }
  });

  it('refuses a day not in the calendar, and sets aside alone a quote outside what a rate may be', async () => {
    http.set('/feb30.xml', { body: ecbXml({ '2026-02-30': { USD: '1.0812' } }) });
    const bad = new EcbProvider({ url: http.url('/feb30.xml') });
    await expect(bad.fetchRates({ currencies: [] })).rejects.toThrow(/2026-02-30.*not a calendar date/);
    http.set('/outside.xml', {
      body: ecbXml({ '2026-11-20': { USD: '1.0812', GBP: '0', JPY: '1000000001' } }),
    });
    const day = await new EcbProvider({ url: http.url('/outside.xml') }).fetchRates({ currencies: [] });
    expect(quotes(day.quotes)).toEqual({ USD: '1.0812' });
    expect(Object.fromEntries(day.refused ?? [])).toEqual({
      GBP: 'quote 0 is outside 0.000000001 to 1000000000',
      JPY: 'quote 1000000001 is outside 0.000000001 to 1000000000',
    });
  });
});

describe('configurable JSON endpoint', () => {
  it('maps date, anchor and rates by path; exact strings and short numbers', async () => {
    http.set('/rates/2026-11-20', {
      type: 'application/json',
      body: JSON.stringify({
        data: { day: '2026-11-20T00:00:00Z', base: 'USD', quotes: { EUR: '0.9249', JPY: 150.31, PAB: 1 } },
      }),
    });
    const p = new JsonProvider({
      id: 'BANK',
      url: http.url('/rates/{date}'),
      datePath: 'data.day',
      anchorPath: 'data.base',
      ratesPath: 'data.quotes',
    });
    const day = await p.fetchRates({ currencies: ['EUR'], date: '2026-11-20' });
    expect(day).toMatchObject({ provider: 'BANK', date: '2026-11-20', anchor: 'USD' });
    expect(quotes(day.quotes)).toEqual({ EUR: '0.9249', JPY: '150.31', PAB: '1' });
  });

  it('uses a fixed anchor and the anchor-per-unit style when configured, and the latest URL', async () => {
    http.set('/latest', {
      type: 'application/json',
      body: JSON.stringify({ date: '2026-11-20', rates: { EUR: '1.0812' } }),
    });
    const p = new JsonProvider({
      id: 'DESK',
      url: http.url('/rates/{date}'),
      latestUrl: http.url('/latest'),
      anchor: 'USD',
      style: 'ANCHOR_PER_UNIT',
    });
    const day = await p.fetchRates({ currencies: ['EUR'] });
    expect(day).toMatchObject({ anchor: 'USD', style: 'ANCHOR_PER_UNIT', date: '2026-11-20' });
  });

  it('refuses a number it cannot keep exactly, a body without rates, and an outage', async () => {
    http.set('/long', {
      type: 'application/json',
      body: '{"date":"2026-11-20","base":"USD","rates":{"EUR":0.92491234567891234}}',
    });
    http.set('/empty', { type: 'application/json', body: '{"date":"2026-11-20","base":"USD"}' });
    http.fail('/down');
    for (const path of ['/long', '/empty', '/down']) {
      const p = new JsonProvider({ id: 'X1', url: http.url(path) });
      await expect(p.fetchRates({ currencies: [] }), path).rejects.toThrow(ProviderError);
    }
  });
});
