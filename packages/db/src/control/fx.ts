import { date, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenants } from './schema.ts';

/**
 * The daily FX refresh, per client: when it runs next (the client's own local time), what the last
 * attempt did, and what is missing. The dispatcher and the refresh job keep it; `fxRefreshStatus`
 * reads it. It is operational state, not books: rows are updated in place.
 */
export const fxRefreshStatus = pgTable('fx_refresh_status', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  /** The next daily run, an instant computed from the client's time zone and `fxRefreshLocalTime`. */
  nextRunAt: timestamp('next_run_at', { withTimezone: true }).notNull(),
  provider: text('provider'),
  lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
  lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
  /** The provider's date of the last rates stored. */
  lastRateDate: date('last_rate_date'),
  lastError: text('last_error'),
  /** Currencies the provider did not quote at the last attempt: their last known rate stays in use. */
  missingCurrencies: text('missing_currencies').array().notNull().default([]),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  /** When the job retries after a failure (exponential backoff), if it will. */
  nextRetryAt: timestamp('next_retry_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
