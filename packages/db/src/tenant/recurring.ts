import {
  bigint,
  boolean,
  date,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { journalDrafts, parties } from './ledger.ts';
import { accounts, journalEntries } from './schema.ts';

/**
 * Recurring journal templates (migration 0033): a fixed, balanced entry the worker turns into a
 * draft (or posts, when the client's setting says so) once per occurrence.
 */
export const recurringTemplates = pgTable('recurring_templates', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  memo: text('memo').notNull().default(''),
  frequency: text('frequency').$type<'MONTHLY' | 'QUARTERLY' | 'YEARLY'>().notNull(),
  /** 1 to 31; a month without that day takes its last day. */
  dayOfMonth: smallint('day_of_month').notNull(),
  startDate: date('start_date').notNull(),
  endDate: date('end_date'),
  autoReverse: boolean('auto_reverse').notNull().default(false),
  active: boolean('active').notNull().default(true),
  createdBy: uuid('created_by').notNull(),
  createdByEmail: text('created_by_email'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const recurringTemplateLines = pgTable(
  'recurring_template_lines',
  {
    templateId: uuid('template_id')
      .notNull()
      .references(() => recurringTemplates.id),
    lineNumber: smallint('line_number').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    /** Signed base-currency amount: debit positive, credit negative. */
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    memo: text('memo').notNull().default(''),
    partyId: uuid('party_id').references(() => parties.id),
  },
  (t) => [primaryKey({ columns: [t.templateId, t.lineNumber] })],
);

export type RecurringRunStatus = 'PENDING' | 'DRAFTED' | 'POSTED' | 'REFUSED';

/** One occurrence of a template, made or refused; unique per template and date. */
export const recurringRuns = pgTable(
  'recurring_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    templateId: uuid('template_id')
      .notNull()
      .references(() => recurringTemplates.id),
    occurrenceDate: date('occurrence_date').notNull(),
    status: text('status').$type<RecurringRunStatus>().notNull(),
    draftId: uuid('draft_id').references(() => journalDrafts.id),
    entryId: uuid('entry_id').references(() => journalEntries.id),
    refusalCode: text('refusal_code'),
    refusalMessage: text('refusal_message'),
    attemptedAt: timestamp('attempted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('recurring_runs_once').on(t.templateId, t.occurrenceDate)],
);
