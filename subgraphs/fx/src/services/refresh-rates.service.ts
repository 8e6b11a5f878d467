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
import {
  crossRate,
  type IsoDate,
  nextLocalRun,
  peggedRate,
  type RateSnapshot,
  rateToSql,
  todayIn,
} from '@cifra/domain';
import { sql } from 'drizzle-orm';
import type { ProviderRegistry, RateProvider, RateRequest } from '../providers/index.ts';
import { clientFx, clientSettings } from './client-fx.service.ts';
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
  const wanted = [...new Set(settings.fxCurrencies)].filter((c) => c !== client.baseCurrency);
  const pegged = wanted.filter((c) => peggedRate(c, client.baseCurrency, client.pegs) !== null);
  const market = wanted.filter((c) => !pegged.includes(c));
  const localToday = todayIn(client.timezone, now);
  const system = { userId: null, email: null, reason: 'daily FX refresh' };

  const rows: (typeof tenant.exchangeRates.$inferInsert)[] = pegged.map((currency) => ({
    rateDate: localToday,
    currency,
    baseCurrency: client.baseCurrency,
    rate: rateToSql(peggedRate(currency, client.baseCurrency, client.pegs)!),
    source: PEG_SOURCE,
    derivation: `${currency}/${client.baseCurrency} fixed by the regional configuration (${client.region})`,
  }));
  let snapshot: RateSnapshot | null = null;
  let failure: Error | null = null;
  const provider = deps.providers.get(settings.fxProvider);
  if (market.length > 0) {
    try {
      if (!provider) throw new Error(`no rate provider "${settings.fxProvider}" is configured`);
      const request = { currencies: [...market, client.baseCurrency] };
      snapshot = await (deps.cache ? deps.cache.get(provider, request) : provider.fetchRates(request));
    } catch (err) {
      failure = err as Error;
    }
  }
  const missing: string[] = [];
  if (snapshot) {
    for (const currency of market) {
      const derived = crossRate(snapshot, currency, client.baseCurrency, client.pegs);
      if (!derived) {
        missing.push(currency);
        continue;
      }
      rows.push({
        rateDate: snapshot.date,
        currency,
        baseCurrency: client.baseCurrency,
        rate: rateToSql(derived.rate),
        source: snapshot.provider,
        derivation: derived.derivation,
      });
    }
  } else if (failure) {
    missing.push(...market);
  }

  let stored: string[] = [];
  if (rows.length > 0) {
    stored = await inTransaction(db, system, async (tx) => {
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

  // New rates may complete a month's checklist: the close board re-reads the client soon.
  if (stored.length > 0) await announceClientChanges(deps.control, [tenantId]).catch(() => undefined);
  const attempt = opts.attempt ?? 1;
  const retryMs = failure ? fxRetryDelayMs(attempt) : null;
  const error = failure
    ? failure.message
    : missing.length > 0
      ? `${snapshot?.provider} did not quote ${missing.join(', ')}: the last known rate stays in use`
      : null;
  await deps.control
    .insert(control.fxRefreshStatus)
    .values({
      tenantId,
      nextRunAt: nextLocalRun(now, client.timezone, settings.fxRefreshLocalTime),
      provider: settings.fxProvider,
      lastAttemptAt: now,
      lastSuccessAt: failure ? null : now,
      lastRateDate: snapshot?.date ?? null,
      lastError: error,
      missingCurrencies: missing,
      consecutiveFailures: failure ? 1 : 0,
      nextRetryAt: retryMs === null ? null : new Date(now.getTime() + retryMs),
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: control.fxRefreshStatus.tenantId,
      set: {
        provider: settings.fxProvider,
        lastAttemptAt: now,
        lastSuccessAt: failure ? sql`${control.fxRefreshStatus.lastSuccessAt}` : now,
        lastRateDate: snapshot ? snapshot.date : sql`${control.fxRefreshStatus.lastRateDate}`,
        lastError: error,
        missingCurrencies: missing,
        consecutiveFailures: failure ? sql`${control.fxRefreshStatus.consecutiveFailures} + 1` : 0,
        nextRetryAt: retryMs === null ? null : new Date(now.getTime() + retryMs),
        updatedAt: now,
      },
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
