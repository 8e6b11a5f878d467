import type { Logger } from '@cifra/context';
import {
  announceClientChanges,
  type ControlDb,
  control,
  inTransaction,
  recordAuditEvent,
  type TenantRegistry,
  tenant,
} from '@cifra/db';
import { type IsoDate, nextLocalRun, peggedRate, type RateSnapshot, rateToSql, todayIn } from '@cifra/domain';
import { sql } from 'drizzle-orm';
import type { ProviderRegistry, RateProvider, RateRequest } from '../providers/index.ts';
import { type ClientFx, clientFx, clientSettings, crossedRow } from './client-fx.service.ts';
import { PEG_SOURCE } from './rates.service.ts';

/** Retries after a failed refresh: 5, 10, 20, 40, 80 then 120 minutes, then wait for the next daily run. */
export const FX_MAX_RETRIES = 6;
export function fxRetryDelayMs(attempt: number): number | null {
  if (attempt < 1 || attempt > FX_MAX_RETRIES) return null;
  return Math.min(5 * 60_000 * 2 ** (attempt - 1), 120 * 60_000);
}

/**
 * Provider answers shared by every client refreshed within `ttlMs`: the ECB publishes one file a
 * day, so a fan-out over many clients asks it once, not once per client. Failures are not cached.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, { at: number; value: Promise<RateSnapshot> }>();
  constructor(
    private readonly now: () => Date = () => new Date(),
    private readonly ttlMs = 10 * 60_000,
  ) {}

  get(provider: RateProvider, request: RateRequest): Promise<RateSnapshot> {
    const key = `${provider.id}|${request.date ?? 'latest'}`;
    const at = this.now().getTime();
    const hit = this.entries.get(key);
    if (hit && at - hit.at < this.ttlMs) return hit.value;
    const value = provider.fetchRates(request);
    this.entries.set(key, { at, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}

export interface RefreshDeps {
  control: ControlDb;
  registry: TenantRegistry;
  providers: ProviderRegistry;
  cache?: SnapshotCache;
  now?: () => Date;
  log?: Logger;
}

export interface RefreshResult {
  tenantId: string;
  provider: string;
  rateDate: IsoDate | null;
  stored: string[];
  missing: string[];
  error: string | null;
}

/**
 * One client's daily refresh. Pegged currencies are recorded at the peg for the client's local
 * today whatever the provider does. The provider's latest rates are crossed into the client's base
 * currency and appended to its ExchangeRateHistory (a day already stored is left as it is). A
 * currency the provider does not quote is listed as missing: its last known rate stays in force and
 * is reported as a fallback when used. A provider failure is recorded in `fx_refresh_status` and
 * rethrown so the job retries with backoff; nothing already stored changes.
 */
export async function refreshClient(
  deps: RefreshDeps,
  tenantId: string,
  opts: { attempt?: number } = {},
): Promise<RefreshResult> {
  const now = (deps.now ?? (() => new Date()))();
  const settings = await clientSettings(deps.control, tenantId);
  const db = await deps.registry.db(tenantId);
  const client = await clientFx(db);
  const localToday = todayIn(client.timezone, now);
  const fetched = await ratesOfToday(deps, settings, client, localToday);
  const { snapshot, failure, missing } = fetched;
  const stored = await storeRates(db, fetched, localToday);
  // New rates may complete a month's checklist: the close board re-reads the client soon.
  if (stored.length > 0) await announceClientChanges(deps.control, [tenantId]).catch(() => undefined);
  const error = failure
    ? failure.message
    : missing.length > 0
      ? `${snapshot?.provider} did not quote ${missing.join(', ')}: the last known rate stays in use`
      : null;
  await recordStatus(deps.control, tenantId, {
    now,
    provider: settings.fxProvider,
    nextRunAt: nextLocalRun(now, client.timezone, settings.fxRefreshLocalTime),
    retryMs: failure ? fxRetryDelayMs(opts.attempt ?? 1) : null,
    failed: failure !== null,
    rateDate: snapshot?.date ?? null,
    error,
    missing,
  });
  deps.log?.info({ tenantId, provider: settings.fxProvider, stored, missing, error }, 'fx refresh');
  if (failure) throw failure;
  return {
    tenantId,
    provider: settings.fxProvider,
    rateDate: snapshot?.date ?? null,
    stored,
    missing,
    error,
  };
}

type Settings = Awaited<ReturnType<typeof clientSettings>>;

interface Fetched {
  rows: (typeof tenant.exchangeRates.$inferInsert)[];
  snapshot: RateSnapshot | null;
  failure: Error | null;
  /** Market currencies without a rate this time: not quoted, or the provider failed. */
  missing: string[];
}

/**
 * The rates to store: the pegged currencies at their peg for the client's local today, the market
 * currencies from the provider's latest snapshot crossed into the base currency. A provider that
 * fails leaves every market currency missing and the failure returned, not thrown.
 */
async function ratesOfToday(
  deps: RefreshDeps,
  settings: Settings,
  client: ClientFx,
  localToday: IsoDate,
): Promise<Fetched> {
  const wanted = [...new Set(settings.fxCurrencies)].filter((c) => c !== client.baseCurrency);
  const pegged = wanted.filter((c) => peggedRate(c, client.baseCurrency, client.pegs) !== null);
  const market = wanted.filter((c) => !pegged.includes(c));
  const rows: Fetched['rows'] = pegged.map((currency) => ({
    rateDate: localToday,
    currency,
    baseCurrency: client.baseCurrency,
    rate: rateToSql(peggedRate(currency, client.baseCurrency, client.pegs)!),
    source: PEG_SOURCE,
    derivation: `${currency}/${client.baseCurrency} fixed by the regional configuration (${client.region})`,
  }));
  if (market.length === 0) return { rows, snapshot: null, failure: null, missing: [] };
  let snapshot: RateSnapshot;
  try {
    const provider = deps.providers.get(settings.fxProvider);
    if (!provider) throw new Error(`no rate provider "${settings.fxProvider}" is configured`);
    const request = { currencies: [...market, client.baseCurrency] };
    snapshot = await (deps.cache ? deps.cache.get(provider, request) : provider.fetchRates(request));
  } catch (err) {
    return { rows, snapshot: null, failure: err as Error, missing: market };
  }
  const missing: string[] = [];
  for (const currency of market) {
    const row = crossedRow(snapshot, currency, client);
    if (row) rows.push(row);
    else missing.push(currency);
  }
  return { rows, snapshot, failure: null, missing };
}

/** The rates appended to the client's history (a day already stored left as it is), with their event. */
async function storeRates(
  db: Awaited<ReturnType<TenantRegistry['db']>>,
  { rows, snapshot, failure, missing }: Fetched,
  localToday: IsoDate,
): Promise<string[]> {
  if (rows.length === 0) return [];
  const system = { userId: null, email: null, reason: 'daily FX refresh' };
  return inTransaction(db, system, async (tx) => {
    const inserted = await tx
      .insert(tenant.exchangeRates)
      .values(rows)
      .onConflictDoNothing()
      .returning({ currency: tenant.exchangeRates.currency });
    if (inserted.length > 0) {
      await recordAuditEvent(tx, system, {
        action: 'fx.rates_refreshed',
        entityType: 'ExchangeRateHistory',
        entityId: snapshot?.date ?? localToday,
        after: {
          provider: snapshot?.provider ?? null,
          rateDate: snapshot?.date ?? null,
          stored: inserted.map((r) => r.currency.trim()),
          missing,
          error: failure?.message ?? null,
        },
      });
    }
    return inserted.map((r) => r.currency.trim());
  });
}

/** The client's refresh status: this attempt, its outcome, and when to retry or run next. */
async function recordStatus(
  db: ControlDb,
  tenantId: string,
  a: {
    now: Date;
    provider: string;
    nextRunAt: Date;
    retryMs: number | null;
    failed: boolean;
    rateDate: IsoDate | null;
    error: string | null;
    missing: string[];
  },
): Promise<void> {
  const { now } = a;
  const nextRetryAt = a.retryMs === null ? null : new Date(now.getTime() + a.retryMs);
  await db
    .insert(control.fxRefreshStatus)
    .values({
      tenantId,
      nextRunAt: a.nextRunAt,
      provider: a.provider,
      lastAttemptAt: now,
      lastSuccessAt: a.failed ? null : now,
      lastRateDate: a.rateDate,
      lastError: a.error,
      missingCurrencies: a.missing,
      consecutiveFailures: a.failed ? 1 : 0,
      nextRetryAt,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: control.fxRefreshStatus.tenantId,
      set: {
        provider: a.provider,
        lastAttemptAt: now,
        lastSuccessAt: a.failed ? sql`${control.fxRefreshStatus.lastSuccessAt}` : now,
        lastRateDate: a.rateDate ?? sql`${control.fxRefreshStatus.lastRateDate}`,
        lastError: a.error,
        missingCurrencies: a.missing,
        consecutiveFailures: a.failed ? sql`${control.fxRefreshStatus.consecutiveFailures} + 1` : 0,
        nextRetryAt,
        updatedAt: now,
      },
    });
}
