import { type Actor, inTransaction, recordAuditEvent, type TenantDb, tenant } from '@cifra/db';
import { addDays, type IsoDate, type RateSnapshot } from '@cifra/domain';
import { clientFx } from '@cifra/fx';
import type { RateProvider } from '../providers/index.ts';
import { crossedRow } from './client-fx.service.ts';

export interface BackfillResult {
  /** Rows stored (a day already stored from this provider is left as it is). */
  stored: number;
  /** Days the provider answered with an earlier day's rates (weekends, holidays): nothing new stored. */
  daysWithoutNewRates: number;
}

/**
 * A client's rate history from `from` to `to` (inclusive) as `provider` published it, the way the
 * daily refresh stores one day (refresh-rates.service.ts): each day's quotes crossed into the
 * client's base currency with their derivation, appended to ExchangeRateHistory in one transaction
 * with one audit event. Used to give a new client (the demo's) its past rates; a currency the
 * provider did not quote on a day is simply absent that day, so the lookup falls back as it would.
 */
export async function backfillRates(
  db: TenantDb,
  actor: Actor,
  provider: RateProvider,
  args: { from: IsoDate; to: IsoDate; currencies: readonly string[] },
): Promise<BackfillResult> {
  if (args.from > args.to) throw new Error(`backfill from ${args.from} is after ${args.to}`);
  const client = await clientFx(db);
  const wanted = [...new Set(args.currencies)].filter((c) => c !== client.baseCurrency);
  const rows: (typeof tenant.exchangeRates.$inferInsert)[] = [];
  const seen = new Set<IsoDate>();
  let daysWithoutNewRates = 0;
  for (let day = args.to; day >= args.from; day = addDays(day, -1)) {
    const snapshot: RateSnapshot = await provider.fetchRates({
      date: day,
      currencies: [...wanted, client.baseCurrency],
    });
    if (seen.has(snapshot.date)) {
      daysWithoutNewRates++;
      continue;
    }
    seen.add(snapshot.date);
    for (const currency of wanted) {
      // A refused rate (a string saying why) is absent that day, as an unquoted one.
      const row = crossedRow(snapshot, currency, client);
      if (row && typeof row !== 'string') rows.push(row);
    }
  }
  if (rows.length === 0) return { stored: 0, daysWithoutNewRates };
  const stored = await inTransaction(db, actor, async (tx) => {
    const inserted = await tx
      .insert(tenant.exchangeRates)
      .values(rows)
      .onConflictDoNothing()
      .returning({ id: tenant.exchangeRates.id });
    await recordAuditEvent(tx, actor, {
      action: 'fx.rates_backfilled',
      entityType: 'ExchangeRateHistory',
      entityId: `${args.from}..${args.to}`,
      after: {
        provider: provider.id,
        from: args.from,
        to: args.to,
        currencies: wanted,
        stored: inserted.length,
      },
    });
    return inserted.length;
  });
  return { stored, daysWithoutNewRates };
}
