import { rm } from 'node:fs/promises';
import { control, withClient, withDatabase } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { type Stack, startStack } from '@cifra/ops';
import { createProviders, refreshClient } from '@cifra/subgraph-fx';
import { createEmptyDatabase, makeTestDir, TEST_APP_PASSWORD, type TestDatabase } from '@cifra/testing';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecbXml, type FakeProvider, startFakeProvider } from '../../subgraphs/fx/test/support.ts';
import { openBooksYears } from '../support/books-year.ts';
import { codes, gql } from '../support/client.ts';
import { closeStack } from '../support/stack.ts';

let db: TestDatabase;
let dataDir: string;
let stack: Stack;
let http: FakeProvider;
const token: Record<string, string> = {};
const SLUG = 'cafe-boquete';

beforeAll(async () => {
  http = await startFakeProvider();
  db = await createEmptyDatabase();
  dataDir = await makeTestDir('cifra-fx-e2e-');
  stack = await startStack({
    dataDir,
    port: 0,
    databaseUrl: db.adminUrl,
    appPassword: TEST_APP_PASSWORD,
    log: pino({ level: 'silent' }),
    fxProviders: createProviders({ ecbUrl: http.url('/eurofxref-daily.xml') }),
  });
  await openBooksYears(stack.control.db, stack.registry);
  for (const who of ['senior', 'junior', 'client'])
    token[who] = await signLocalToken(stack.authPrivateJwk, `${who}@demo.firm`);
});

afterAll(async () => {
  await closeStack(stack, db);
  await http?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const as = (who: string) => gql(stack.gatewayUrl, token[who], SLUG);

async function tenantId(): Promise<string> {
  const [t] = await stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, SLUG));
  return t!.id;
}

async function count(sql: string): Promise<number> {
  const [t] = await stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, SLUG));
  return withClient(
    withDatabase(db.adminUrl, t!.databaseName),
    async (c) => (await c.query(sql)).rows[0].n as number,
  );
}

const RATE = `query R($c: String!, $d: Date!) { exchangeRate(currency: $c, date: $d) {
  currency baseCurrency requestedDate rateDate rate source isFallback isOverride overriddenBy overrideReason ageDays recordId } }`;
const OVERRIDE = `mutation O($c: String!, $d: Date!, $r: Decimal!, $why: String!) {
  overrideExchangeRate(currency: $c, date: $d, rate: $r, reason: $why) { id date currency baseCurrency rate source isOverride overriddenBy overrideReason effective } }`;
const REASON = 'Rate agreed with the bank for the import payment';

describe('FX through the gateway (PAB client, Panama)', () => {
  it('USD is pegged 1:1 to the balboa: exactly 1, source PEG', async () => {
    const r = await as('client')<{ exchangeRate: Record<string, unknown> }>(RATE, {
      c: 'USD',
      d: '2026-11-20',
    });
    expect(r.errors).toBeUndefined();
    expect(r.data?.exchangeRate).toMatchObject({
      currency: 'USD',
      baseCurrency: 'PAB',
      rate: '1',
      source: 'PEG',
      isFallback: false,
    });
  });

  it('refuses EUR with RATE_NOT_AVAILABLE before any rate is known, and an unknown currency as bad input', async () => {
    const r = await as('senior')(RATE, { c: 'EUR', d: '2026-11-20' });
    expect(codes(r)).toEqual(['RATE_NOT_AVAILABLE']);
    expect(codes(await as('senior')(RATE, { c: 'XYZ', d: '2026-11-20' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('after the daily refresh, EUR is the ECB rate crossed through the peg; a later date is a marked fallback', async () => {
    http.set('/eurofxref-daily.xml', { body: ecbXml({ '2026-11-20': { USD: '1.0812', JPY: '162.53' } }) });
    await refreshClient(
      {
        control: stack.control.db,
        registry: stack.registry,
        providers: createProviders({ ecbUrl: http.url('/eurofxref-daily.xml') }),
        now: () => new Date('2026-11-20T16:00:00Z'),
      },
      await tenantId(),
    );
    const day = await as('senior')<{ exchangeRate: Record<string, unknown> }>(RATE, {
      c: 'eur',
      d: '2026-11-20',
    });
    expect(day.data?.exchangeRate).toMatchObject({
      rate: '1.0812',
      source: 'ECB',
      isFallback: false,
      rateDate: '2026-11-20',
    });
    const later = await as('senior')<{ exchangeRate: Record<string, unknown> }>(RATE, {
      c: 'EUR',
      d: '2026-11-23',
    });
    expect(later.data?.exchangeRate).toMatchObject({
      rate: '1.0812',
      isFallback: true,
      ageDays: 3,
      requestedDate: '2026-11-23',
    });
    const status = await as('client')<{ fxRefreshStatus: Record<string, unknown> }>(
      '{ fxRefreshStatus { provider currencies localTime timezone lastRateDate lastError missingCurrencies consecutiveFailures nextRunAt lastSuccessAt } }',
    );
    expect(status.data?.fxRefreshStatus).toMatchObject({
      provider: 'ECB',
      currencies: ['USD', 'EUR'],
      localTime: '00:15',
      timezone: 'America/Panama',
      lastRateDate: '2026-11-20',
      lastError: null,
      missingCurrencies: [],
      consecutiveFailures: 0,
    });
  });

  it('answers exchangeRates over at most 366 days: a longer range is BAD_USER_INPUT naming `to`', async () => {
    const range = (from: string, to: string) =>
      as('client')<{ exchangeRates: unknown[] }>(
        `{ exchangeRates(currency: "EUR", from: "${from}", to: "${to}") { date } }`,
      );
    // 2025-01-01 to 2026-01-01 is 366 days, both included; a leap year is 366 days too.
    expect(codes(await range('2025-01-01', '2026-01-01'))).toEqual([]);
    expect(codes(await range('2024-01-01', '2024-12-31'))).toEqual([]);
    const long = await range('2025-01-01', '2026-01-02');
    expect(codes(long)).toEqual(['BAD_USER_INPUT']);
    expect(long.errors?.[0]?.extensions?.field).toBe('to');
    expect(long.errors?.[0]?.message).toMatch(/366 days/);
    expect(codes(await range('1900-01-01', '2026-12-31'))).toEqual(['BAD_USER_INPUT']);
  });

  it('an override needs FX.OverrideRate and a 20-character reason; refusals write nothing', async () => {
    const before = [
      await count('SELECT count(*)::int AS n FROM exchange_rates'),
      await count('SELECT count(*)::int AS n FROM audit_events'),
    ];
    const args = { c: 'EUR', d: '2026-11-20', r: '1.0900', why: REASON };
    expect(codes(await as('junior')(OVERRIDE, args))).toEqual(['FORBIDDEN']);
    expect(codes(await as('client')(OVERRIDE, args))).toEqual(['FORBIDDEN']);
    expect(codes(await as('senior')(OVERRIDE, { ...args, why: 'bank rate' }))).toEqual(['REASON_TOO_SHORT']);
    expect(codes(await as('senior')(OVERRIDE, { ...args, r: '1.09.1' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await as('senior')(OVERRIDE, { ...args, c: 'USD' }))).toEqual(['BAD_USER_INPUT']);
    expect([
      await count('SELECT count(*)::int AS n FROM exchange_rates'),
      await count('SELECT count(*)::int AS n FROM audit_events'),
    ]).toEqual(before);
  });

  it('an override wins for its date, keeps the provider row in the history, and is in the audit trail', async () => {
    const o = await as('senior')<{ overrideExchangeRate: Record<string, unknown> }>(OVERRIDE, {
      c: 'EUR',
      d: '2026-11-20',
      r: '1.0900',
      why: REASON,
    });
    expect(o.errors).toBeUndefined();
    expect(o.data?.overrideExchangeRate).toMatchObject({
      rate: '1.09',
      source: 'OVERRIDE',
      isOverride: true,
      overriddenBy: 'senior@demo.firm',
      overrideReason: REASON,
      effective: true,
    });
    const r = await as('client')<{ exchangeRate: Record<string, unknown> }>(RATE, {
      c: 'EUR',
      d: '2026-11-20',
    });
    expect(r.data?.exchangeRate).toMatchObject({
      rate: '1.09',
      isOverride: true,
      overrideReason: REASON,
      source: 'OVERRIDE',
    });
    const h = await as('client')<{
      exchangeRates: { date: string; source: string; rate: string; effective: boolean }[];
    }>(
      'query H { exchangeRates(currency: "EUR", from: "2026-11-01", to: "2026-11-30") { date source rate effective } }',
    );
    expect(h.data?.exchangeRates).toEqual([
      { date: '2026-11-20', source: 'ECB', rate: '1.0812', effective: false },
      { date: '2026-11-20', source: 'OVERRIDE', rate: '1.09', effective: true },
    ]);
    const audit = await as('senior')<{
      auditEvents: { edges: { node: { action: string; reason: string; actorEmail: string } }[] };
    }>('{ auditEvents(first: 5) { edges { node { action reason actorEmail } } } }');
    expect(audit.data?.auditEvents.edges.map((e) => e.node)).toContainEqual({
      action: 'fx.rate_overridden',
      reason: REASON,
      actorEmail: 'senior@demo.firm',
    });
  });
});
