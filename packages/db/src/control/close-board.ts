import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenants } from './schema.ts';

/**
 * The close board's read model (control migration 0022, docs/architecture/close-board.md): each
 * client's close state as last read from its own database. Derived data: a projector rewrites a
 * client's rows from that client's books whenever the client announces a change.
 */

/** How fresh one client's summary is, and whether its database answered the last time. */
export const clientCloseProjections = pgTable(
  'client_close_projections',
  {
    tenantId: uuid('tenant_id')
      .primaryKey()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** Changes announced so far; the summary is behind while this exceeds projectedSeq. */
    changeSeq: bigint('change_seq', { mode: 'number' }).notNull().default(1),
    projectedSeq: bigint('projected_seq', { mode: 'number' }).notNull().default(0),
    /** The first change announced since the last projection; null when none is pending. */
    changedAt: timestamp('changed_at', { withTimezone: true }),
    /** When the summary's rows were read from the client's database (its snapshot); null before the first. */
    asOf: timestamp('as_of', { withTimezone: true }),
    /** A projector's lease on the client (a projector that dies lets it lapse). */
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    unavailableCode: text('unavailable_code'),
    unavailableReason: text('unavailable_reason'),
    unavailableAt: timestamp('unavailable_at', { withTimezone: true }),
  },
  (t) => [index('client_close_projections_behind').on(t.changedAt)],
);

/** One posting period of a client, as its close board line shows it. */
export const clientCloseMonths = pgTable(
  'client_close_months',
  {
    year: integer('year').notNull(),
    month: integer('month').notNull(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    periodId: uuid('period_id').notNull(),
    periodState: text('period_state').notNull(),
    closeStatus: text('close_status'),
    stage: text('stage').notNull(),
    endDate: date('end_date').notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    lastTransition: jsonb('last_transition'),
    openChecklist: jsonb('open_checklist').notNull().default([]),
    /** Entries posted in the month on a fallback or overridden rate (control migration 0027); null: unknown. */
    staleRateEntries: integer('stale_rate_entries'),
    /** Every bank account reconciled through the month's end (control migration 0031); null: no check. */
    banksReconciled: boolean('banks_reconciled'),
  },
  (t) => [
    primaryKey({ columns: [t.year, t.month, t.tenantId] }),
    index('client_close_months_tenant').on(t.tenantId),
  ],
);
