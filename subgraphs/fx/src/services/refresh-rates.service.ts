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
  addDays,
  daysBetween,
  type IsoDate,
  nextLocalRun,
  parsePublishedRate,
  peggedRate,
  type RateSnapshot,
  rateMoveProblem,
  rateToSql,
  todayIn,
} from '@cifra/domain';
import { rateKey, ratesInForce } from '@cifra/fx';
import { sql } from 'drizzle-orm';
import {
  ProviderError,
  type ProviderRegistry,
  type RateProvider,
  type RateRequest,
} from '../providers/index.ts';
import { type ClientFx, clientFx, clientSettings, crossedRow, type RateRow } from './client-fx.service.ts';
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
 * How far a provider's latest rates may be dated after the client's own today: one day. A provider
 * that dates its rates in a zone ahead of the client's (UTC, or the ECB's CET, against a client in
 * Panama) legitimately publishes tomorrow's date in the client's evening; those rates are kept under
 * their own date and come into force on it. Anything later is not a published day but an error.
 */
export const FX_MAX_DAYS_AHEAD = 1;

/**
 * One client's daily refresh. Pegged currencies are recorded at the peg for the client's local
 * today whatever the provider does. The provider's latest rates are crossed into the client's base
 * currency and appended to its ExchangeRateHistory (a day already stored is left as it is). A
 * currency the provider does not quote, or whose quote or cross rate is refused (outside
 * `fetchedRateProblem`'s range), is listed as missing: its last known rate stays in force and is
 * reported as a fallback when used. Any failure — the provider's, rates dated beyond
 * FX_MAX_DAYS_AHEAD, or storing — is recorded in `fx_refresh_status` and rethrown so the job
 * retries with backoff; nothing already stored changes.
 */
export async function refreshClient(
  deps: RefreshDeps,
  tenantId: string,
  opts: { attempt?: number } = {},
): Promise<RefreshResult> {
  const now = (deps.now ?? (() => new Date()))();
  const settings = await clientSettings(deps.control, tenantId);
  const outcome = await attemptRefresh(deps, tenantId, settings, now).catch(
    (err: Error): Outcome => ({ ...NOTHING, failure: err, nextRunAt: null }),
  );
  const { snapshot, failure, missing, stored } = outcome;
  // New rates may complete a month's checklist: the close board re-reads the client soon.
  if (stored.length > 0) await announceClientChanges(deps.control, [tenantId]).catch(() => undefined);
  const error = statusError(outcome);
  await recordStatus(deps.control, tenantId, {
    now,
    provider: settings.fxProvider,
    nextRunAt: outcome.nextRunAt,
    retryMs: failure ? fxRetryDelayMs(opts.attempt ?? 1) : null,
    failed: failure !== null,
    // Rates that could not be stored are not the client's latest rates.
    rateDate: failure ? null : (snapshot?.date ?? null),
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
  rows: RateRow[];
  snapshot: RateSnapshot | null;
  failure: Error | null;
  /** Market currencies without a rate this time: not quoted, refused, or the provider failed. */
  missing: string[];
  /** currency → why its rate was refused (it is among `missing`). */
  refused: Record<string, string>;
}

interface Outcome extends Fetched {
  stored: string[];
  /** The client's next daily run; null when its database could not be read (the planned run stays). */
  nextRunAt: Date | null;
}

const NOTHING = {
  rows: [],
  snapshot: null,
  missing: [],
  refused: {},
  stored: [],
} as const satisfies Partial<Outcome>;

/** Fetch and store; a failure to store is returned with what was fetched, not thrown. */
async function attemptRefresh(
  deps: RefreshDeps,
  tenantId: string,
  settings: Settings,
  now: Date,
): Promise<Outcome> {
  const db = await deps.registry.db(tenantId);
  const client = await clientFx(db);
  const localToday = todayIn(client.timezone, now);
  const fetched = await refuseImplausibleMoves(
    db,
    client,
    await ratesOfToday(deps, settings, client, localToday),
  );
  const nextRunAt = nextLocalRun(now, client.timezone, settings.fxRefreshLocalTime);
  try {
    return { ...fetched, stored: await storeRates(db, fetched, localToday), nextRunAt };
  } catch (err) {
    const market = fetched.rows.filter((r) => r.source !== PEG_SOURCE).map((r) => r.currency);
    return {
      ...fetched,
      failure: err as Error,
      missing: [...market, ...fetched.missing],
      stored: [],
      nextRunAt,
    };
  }
}

/** How far back the rate a fetched one is compared with may be (older: nothing to compare with). */
export const RATE_MOVE_WINDOW_DAYS = 31;

/**
 * A market rate that moved more than MAX_RATE_MOVE_PERCENT from the rate in force the day before
 * it (an override included, within RATE_MOVE_WINDOW_DAYS) is a misquote until a person says
 * otherwise: it is refused, alone, like a quote outside what the history holds, so the last known
 * rate stays in use and the status says why; an override of that day's rate confirms a real move.
 */
async function refuseImplausibleMoves(
  db: Awaited<ReturnType<TenantRegistry['db']>>,
  client: ClientFx,
  fetched: Fetched,
): Promise<Fetched> {
  const market = fetched.rows.filter((r) => r.source !== PEG_SOURCE);
  if (market.length === 0) return fetched;
  const dayBefore = (r: RateRow) => addDays(r.rateDate, -1);
  const before = await ratesInForce(
    db,
    client,
    market.map((r) => ({ currency: r.currency, date: dayBefore(r) })),
    RATE_MOVE_WINDOW_DAYS,
  );
  // Only market currencies were asked for: a pegged row finds no earlier rate here and is kept.
  const refused = { ...fetched.refused };
  const missing = [...fetched.missing];
  const rows = fetched.rows.filter((r) => {
    const prior = before.get(rateKey(r.currency, dayBefore(r)));
    const problem = prior ? rateMoveProblem(prior.rate, parsePublishedRate(r.rate)) : null;
    if (problem === null) return true;
    refused[r.currency] = `${r.currency}/${client.baseCurrency} ${problem} since ${prior?.rateDate}`;
    missing.push(r.currency);
    return false;
  });
  return { ...fetched, rows, refused, missing };
}

/** What the status says: the failure, else the currencies left without a new rate and why. */
function statusError({ failure, snapshot, missing, refused }: Outcome): string | null {
  if (failure) return failure.message;
  const unquoted = missing.filter((c) => !(c in refused));
  const parts = [
    ...(unquoted.length > 0 ? [`${snapshot?.provider} did not quote ${unquoted.join(', ')}`] : []),
    ...Object.values(refused),
  ];
  return parts.length > 0 ? `${parts.join('; ')}: the last known rate stays in use` : null;
}

/**
 * The rates to store: the pegged currencies at their peg for the client's local today, the market
 * currencies from the provider's latest snapshot crossed into the base currency. A provider that
 * fails, or dates its rates beyond FX_MAX_DAYS_AHEAD, leaves every market currency missing and the
 * failure returned, not thrown.
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
  if (market.length === 0) return { rows, snapshot: null, failure: null, missing: [], refused: {} };
  let snapshot: RateSnapshot;
  try {
    snapshot = await latestSnapshot(
      deps,
      settings,
      { currencies: [...market, client.baseCurrency] },
      localToday,
    );
  } catch (err) {
    return { rows, snapshot: null, failure: err as Error, missing: market, refused: {} };
  }
  const missing: string[] = [];
  const refused: Record<string, string> = {};
  for (const currency of market) {
    const row = crossedRow(snapshot, currency, client);
    if (row && typeof row !== 'string') rows.push(row);
    else missing.push(currency);
    if (typeof row === 'string') refused[currency] = row;
  }
  return { rows, snapshot, failure: null, missing, refused };
}

/** The client's provider's latest rates (through the shared cache), refused when dated too far ahead. */
async function latestSnapshot(
  deps: RefreshDeps,
  settings: Settings,
  request: RateRequest,
  localToday: IsoDate,
): Promise<RateSnapshot> {
  const provider = deps.providers.get(settings.fxProvider);
  if (!provider) throw new Error(`no rate provider "${settings.fxProvider}" is configured`);
  const snapshot = await (deps.cache ? deps.cache.get(provider, request) : provider.fetchRates(request));
  if (daysBetween(localToday, snapshot.date) > FX_MAX_DAYS_AHEAD) {
    throw new ProviderError(
      provider.id,
      `rates dated ${snapshot.date}, after the client's today ${localToday} and its next day: not stored`,
    );
  }
  return snapshot;
}

/** The rates appended to the client's history (a day already stored left as it is), with their event. */
async function storeRates(
  db: Awaited<ReturnType<TenantRegistry['db']>>,
  { rows, snapshot, failure, missing, refused }: Fetched,
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
          refused,
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
    nextRunAt: Date | null;
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
      // A client refreshed before the dispatcher planned it, its database unreadable: retry plans it.
      nextRunAt: a.nextRunAt ?? nextRetryAt ?? now,
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
