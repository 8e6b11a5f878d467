import { control } from '@cifra/db';
import { formatRate } from '@cifra/domain';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviders } from '../src/providers/index.ts';
import { clientFx } from '../src/services/client-fx.service.ts';
import { dispatchDueRefreshes } from '../src/services/dispatch-refresh.service.ts';
import { lookupRate } from '../src/services/rates.service.ts';
import { refreshClient, SnapshotCache } from '../src/services/refresh-rates.service.ts';
import {
  createFxWorld,
  ecbXml,
  type FakeProvider,
  type FxWorld,
  rows,
  startFakeProvider,
} from './support.ts';

let http: FakeProvider;
let world: FxWorld;
let clock = new Date('2026-11-19T12:00:00Z');
const now = () => clock;

beforeAll(async () => {
  http = await startFakeProvider();
  world = await createFxWorld([
    { slug: 'panama-client', timezone: 'America/Panama', baseCurrency: 'PAB' },
    { slug: 'tokyo-client', timezone: 'Asia/Tokyo', baseCurrency: 'USD', region: 'JP' },
  ]);
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
  )[0]!;
const local = (d: Date | null | undefined, tz: string) =>
  DateTime.fromJSDate(d!).setZone(tz).toFormat('yyyy-MM-dd HH:mm');

describe('daily refresh fan-out in each client’s own time zone', () => {
  it('two clients refresh at 00:15 on their own clocks, never at the same UTC hour', async () => {
    const [panama, tokyo] = world.clients as [(typeof world.clients)[0], (typeof world.clients)[0]];
    http.set('/daily.xml', { body: ecbXml({ '2026-11-19': { USD: '1.0790', GBP: '0.8540' } }) });
    const refresh = {
      control: world.control,
      registry: world.registry,
      providers: createProviders({ ecbUrl: http.url('/daily.xml') }),
      cache: new SnapshotCache(now),
      now,
    };
    const ran: string[] = [];
    const tick = () =>
      dispatchDueRefreshes({
        control: world.control,
        now,
        enqueue: async (id) => {
          ran.push(id);
          await refreshClient(refresh, id);
        },
      });

    // First tick: both clients get their next run, nothing runs.
    const first = await tick();
    expect(first.enqueued).toEqual([]);
    expect(new Set(first.rescheduled)).toEqual(new Set([panama.id, tokyo.id]));
    expect(local((await status(panama.id)).nextRunAt, 'America/Panama')).toBe('2026-11-20 00:15');
    expect(local((await status(tokyo.id)).nextRunAt, 'Asia/Tokyo')).toBe('2026-11-20 00:15');
    expect((await status(tokyo.id)).nextRunAt.toISOString()).toBe('2026-11-19T15:15:00.000Z');
    expect((await status(panama.id)).nextRunAt.toISOString()).toBe('2026-11-20T05:15:00.000Z');

    // 15:16 UTC: midnight has passed in Tokyo, not in Panama.
    clock = new Date('2026-11-19T15:16:00Z');
    expect((await tick()).enqueued).toEqual([tokyo.id]);
    expect((await tick()).enqueued).toEqual([]); // a second tick at the same time queues nothing
    expect(local((await status(tokyo.id)).lastAttemptAt, 'Asia/Tokyo')).toBe('2026-11-20 00:16');
    expect((await status(panama.id)).lastAttemptAt).toBeNull();
    expect(local((await status(tokyo.id)).nextRunAt, 'Asia/Tokyo')).toBe('2026-11-21 00:15');

    // 05:16 UTC next day: Panama's midnight.
    clock = new Date('2026-11-20T05:16:00Z');
    expect((await tick()).enqueued).toEqual([panama.id]);
    expect(local((await status(panama.id)).lastAttemptAt, 'America/Panama')).toBe('2026-11-20 00:16');
    expect(local((await status(panama.id)).nextRunAt, 'America/Panama')).toBe('2026-11-21 00:15');
    expect(ran).toEqual([tokyo.id, panama.id]);
    // Each run asked the provider once; each client stored its own rates.
    expect(http.hits('/daily.xml')).toBe(2);

    const tokyoDb = await world.registry.db(tokyo.id);
    const eur = await lookupRate(tokyoDb, await clientFx(tokyoDb), 'EUR', '2026-11-19', 7);
    expect(formatRate(eur.rate)).toBe('1.079');
    expect(eur).toMatchObject({ source: 'ECB', isFallback: false });

    // A client that moves its refresh time is rescheduled at the next tick.
    await world.control
      .insert(control.tenantSettingOverrides)
      .values({ tenantId: panama.id, key: 'fxRefreshLocalTime', value: '06:30' });
    const moved = await tick();
    expect(moved.rescheduled).toEqual([panama.id]);
    expect(local((await status(panama.id)).nextRunAt, 'America/Panama')).toBe('2026-11-20 06:30');
  });
});

describe('a PAB client: the peg and the cross through EUR', () => {
  it('stores USD at the peg (source PEG) and EUR as the ECB USD quote; an unquoted currency is missing', async () => {
    const pa = await world.addClient({ slug: 'pab-cross', timezone: 'America/Panama', baseCurrency: 'PAB' });
    await world.control
      .insert(control.tenantSettingOverrides)
      .values({ tenantId: pa.id, key: 'fxCurrencies', value: ['USD', 'EUR', 'GBP', 'ARS'] });
    http.set('/pa.xml', { body: ecbXml({ '2026-11-20': { USD: '1.0812', GBP: '0.8543' } }) });
    clock = new Date('2026-11-20T15:00:00Z');
    const result = await refreshClient(
      {
        control: world.control,
        registry: world.registry,
        providers: createProviders({ ecbUrl: http.url('/pa.xml') }),
        now,
      },
      pa.id,
    );
    expect(result.missing).toEqual(['ARS']);
    const stored = await rows<{ currency: string; rate: string; source: string; rate_date: string }>(
      pa.db,
      `SELECT currency, rate::text, source, to_char(rate_date, 'YYYY-MM-DD') AS rate_date FROM exchange_rates ORDER BY currency`,
    );
    expect(stored).toEqual([
      { currency: 'EUR', rate: '1.081200000000', source: 'ECB', rate_date: '2026-11-20' },
      { currency: 'GBP', rate: '1.265597565258', source: 'ECB', rate_date: '2026-11-20' },
      { currency: 'USD', rate: '1.000000000000', source: 'PEG', rate_date: '2026-11-20' },
    ]);
    const s = await status(pa.id);
    expect(s.missingCurrencies).toEqual(['ARS']);
    expect(s.lastError).toMatch(/ARS/);
    expect(s.lastSuccessAt).not.toBeNull();
    // The history records the refresh in the client's audit trail.
    const [event] = await rows<{ after: { missing: string[] } }>(
      pa.db,
      `SELECT after FROM audit_events WHERE action = 'fx.rates_refreshed'`,
    );
    expect(event!.after.missing).toEqual(['ARS']);
  });
});

describe('provider outage', () => {
  it('keeps the last known rate in force as a fallback, shows the failure, plans a retry, and does not block other clients', async () => {
    const a = await world.addClient({
      slug: 'outage-a',
      timezone: 'America/Panama',
      baseCurrency: 'USD',
      region: 'US',
    });
    const b = await world.addClient({
      slug: 'outage-b',
      timezone: 'America/Panama',
      baseCurrency: 'USD',
      region: 'US',
    });
    await world.control
      .insert(control.tenantSettingOverrides)
      .values({ tenantId: b.id, key: 'fxProvider', value: 'BACKUP' });
    http.set('/outage.xml', { body: ecbXml({ '2026-11-20': { USD: '1.0812' } }) });
    http.set('/backup/latest', {
      type: 'application/json',
      body: JSON.stringify({ date: '2026-11-23', base: 'EUR', rates: { USD: '1.0900' } }),
    });
    const providers = createProviders({
      ecbUrl: http.url('/outage.xml'),
      json: [{ id: 'BACKUP', url: http.url('/backup/{date}') }],
    });
    const deps = { control: world.control, registry: world.registry, providers, now };

    clock = new Date('2026-11-20T16:00:00Z');
    await refreshClient(deps, a.id);
    const before = await status(a.id);

    // Monday: the ECB file is unavailable.
    http.fail('/outage.xml', 503);
    clock = new Date('2026-11-23T05:16:00Z');
    const err = await refreshClient(deps, a.id, { attempt: 1 }).catch((e) => e);
    expect(err.message).toMatch(/HTTP 503/);
    const after = await status(a.id);
    expect(after.lastError).toMatch(/HTTP 503/);
    expect(after.consecutiveFailures).toBe(1);
    expect(after.lastSuccessAt).toEqual(before.lastSuccessAt);
    expect(after.lastAttemptAt).toEqual(clock);
    expect(after.nextRetryAt?.toISOString()).toBe('2026-11-23T05:21:00.000Z');
    expect(after.missingCurrencies).toEqual(['EUR']);

    // The second failure backs off further.
    await refreshClient(deps, a.id, { attempt: 2 }).catch(() => undefined);
    expect((await status(a.id)).consecutiveFailures).toBe(2);
    expect((await status(a.id)).nextRetryAt?.toISOString()).toBe('2026-11-23T05:26:00.000Z');

    // Friday's rate stays in force for Monday's documents, marked as a fallback.
    const adb = await world.registry.db(a.id);
    const eur = await lookupRate(adb, await clientFx(adb), 'EUR', '2026-11-23', 7);
    expect(formatRate(eur.rate)).toBe('1.0812');
    expect(eur).toMatchObject({ rateDate: '2026-11-20', isFallback: true, ageDays: 3, source: 'ECB' });

    // Client B, on another provider, refreshes normally.
    const ok = await refreshClient(deps, b.id);
    expect(ok).toMatchObject({ provider: 'BACKUP', rateDate: '2026-11-23', stored: ['EUR'], error: null });

    // The provider is back: the status clears and the new rate is in force.
    http.set('/outage.xml', { body: ecbXml({ '2026-11-23': { USD: '1.0850' } }) });
    await refreshClient(deps, a.id, { attempt: 3 });
    const back = await status(a.id);
    expect(back).toMatchObject({
      lastError: null,
      consecutiveFailures: 0,
      nextRetryAt: null,
      missingCurrencies: [],
    });
    expect((await lookupRate(adb, await clientFx(adb), 'EUR', '2026-11-23', 7)).isFallback).toBe(false);
  });
});
