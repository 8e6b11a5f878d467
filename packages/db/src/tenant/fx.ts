import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  char,
  check,
  date,
  index,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * ExchangeRateHistory: every rate this client has ever fetched, been forced to, or pegged, kept
 * forever. Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE): a rate a posting used can
 * never change under it. A correction is a new row — an override — that wins for its date.
 *
 * `rate` is units of `base_currency` for one unit of `currency`, exact: numeric(28,12), sixteen
 * integer digits and twelve decimals (see RATE_SCALE in packages/domain/src/fx.ts for the rounding).
 */
export const exchangeRates = pgTable(
  'exchange_rates',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    rateDate: date('rate_date').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    baseCurrency: char('base_currency', { length: 3 }).notNull(),
    rate: numeric('rate', { precision: 28, scale: 12 }).notNull(),
    /** Provider id (`ECB`, a configured JSON endpoint's id), `PEG`, or `OVERRIDE`. */
    source: text('source').notNull(),
    /** How the rate was computed from what the provider published (cross rate through its anchor). */
    derivation: text('derivation'),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull().defaultNow(),
    isOverride: boolean('is_override').notNull().default(false),
    overrideBy: uuid('override_by'),
    overrideByEmail: text('override_by_email'),
    overrideReason: text('override_reason'),
  },
  (t) => [
    index('exchange_rates_lookup_idx').on(t.currency, t.rateDate),
    index('exchange_rates_override_idx').on(t.id).where(sql`${t.isOverride}`),
    // One fetched rate per provider, currency and day: a re-fetch of the same day adds nothing.
    uniqueIndex('exchange_rates_fetched_once')
      .on(t.currency, t.rateDate, t.source)
      .where(sql`NOT ${t.isOverride}`),
    check('exchange_rates_positive', sql`${t.rate} > 0`),
    check('exchange_rates_pair', sql`${t.currency} <> ${t.baseCurrency}`),
    check(
      'exchange_rates_override_who_why',
      sql`NOT ${t.isOverride} OR (${t.overrideReason} IS NOT NULL AND (${t.overrideBy} IS NOT NULL OR ${t.overrideByEmail} IS NOT NULL))`,
    ),
  ],
);
