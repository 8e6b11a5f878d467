import { type Actor, inTransaction, recordAuditEvent, type TenantDb, tenant } from '@cifra/db';
import {
  badInput,
  formatRate,
  type IsoDate,
  parseIsoDate,
  parsePublishedRate,
  parseRate,
  peggedRate,
  rateToSql,
  requireReason,
} from '@cifra/domain';
import { and, desc, eq } from 'drizzle-orm';
import type { ClientFx } from './client-fx.service.ts';
import { OVERRIDE_SOURCE, type RateRow } from './rates.service.ts';

export interface OverrideInput {
  currency: string;
  date: IsoDate;
  rate: string;
  reason: string;
}

/**
 * `overrideExchangeRate(currency, date, rate, reason)`: a person forces the rate of one day. It is a
 * new row (the history is append-only), flagged as an override with who and why, and it wins over
 * whatever the provider published for that date. The audit event is written in the same transaction.
 * Everything is checked before anything is written: a short reason (REASON_TOO_SHORT), a bad rate, a
 * pegged or base currency (BAD_USER_INPUT) leave the history untouched.
 */
export async function overrideExchangeRate(
  db: TenantDb,
  client: ClientFx,
  actor: Actor,
  input: OverrideInput,
): Promise<RateRow> {
  const reason = requireReason(input.reason);
  const date = parseIsoDate(input.date, 'date');
  const rate = parseRate(input.rate, 'rate');
  const { currency } = input;
  if (currency === client.baseCurrency) {
    throw badInput(`${currency} is the client's base currency: its rate is always 1`, { field: 'currency' });
  }
  if (peggedRate(currency, client.baseCurrency, client.pegs) !== null) {
    throw badInput(
      `${currency}/${client.baseCurrency} is pegged by the regional configuration and cannot be overridden`,
      { field: 'currency' },
    );
  }
  return inTransaction(db, { ...actor, reason }, async (tx) => {
    const [before] = await tx
      .select()
      .from(tenant.exchangeRates)
      .where(and(eq(tenant.exchangeRates.currency, currency), eq(tenant.exchangeRates.rateDate, date)))
      .orderBy(desc(tenant.exchangeRates.isOverride), desc(tenant.exchangeRates.id))
      .limit(1);
    const [row] = await tx
      .insert(tenant.exchangeRates)
      .values({
        rateDate: date,
        currency,
        baseCurrency: client.baseCurrency,
        rate: rateToSql(rate),
        source: OVERRIDE_SOURCE,
        derivation: before
          ? `replaces ${before.source} ${formatRate(parsePublishedRate(before.rate))} for ${date}`
          : null,
        isOverride: true,
        overrideBy: actor.userId,
        overrideByEmail: actor.email,
        overrideReason: reason,
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    await recordAuditEvent(tx, actor, {
      action: 'fx.rate_overridden',
      entityType: 'ExchangeRate',
      entityId: row.id.toString(),
      before: before
        ? {
            id: before.id,
            source: before.source,
            rate: before.rate,
            rateDate: before.rateDate,
            isOverride: before.isOverride,
          }
        : null,
      after: {
        id: row.id,
        currency,
        baseCurrency: client.baseCurrency,
        rateDate: date,
        rate: formatRate(rate),
      },
      reason,
    });
    return row;
  });
}
