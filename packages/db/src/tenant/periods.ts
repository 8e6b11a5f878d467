import { sql } from 'drizzle-orm';
import {
  bigint,
  char,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { accounts, fiscalYears, journalEntries, postingPeriods } from './schema.ts';

/**
 * The close workflow of one client: month-end closes, the log of every period transition, the
 * year-end close drafts with their lines, and the four-eyes requests to reverse a year-end close.
 * The state machine these rows follow is packages/domain/src/period-machine.ts.
 */

const at = (name: string) => timestamp(name, { withTimezone: true });

export const periodCloseStatus = pgEnum('period_close_status', [
  'DRAFT',
  'PENDING_APPROVAL',
  'APPROVED',
  'REOPENED',
]);

/**
 * A month-end close. At most one close per period is live (not REOPENED): reopening a LOCKED period
 * retires its approved close, and the next close starts again from DRAFT.
 */
export const periodCloses = pgTable(
  'period_closes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    periodId: uuid('period_id')
      .notNull()
      .references(() => postingPeriods.id),
    status: periodCloseStatus('status').notNull().default('DRAFT'),
    /** The checklist as last computed (at start, submission and approval). */
    checklist: jsonb('checklist').notNull().default(sql`'[]'::jsonb`),
    startedBy: uuid('started_by'),
    startedByEmail: text('started_by_email'),
    startedAt: at('started_at').notNull().defaultNow(),
    submittedBy: uuid('submitted_by'),
    submittedByEmail: text('submitted_by_email'),
    submittedAt: at('submitted_at'),
    approvedBy: uuid('approved_by'),
    approvedByEmail: text('approved_by_email'),
    approvedAt: at('approved_at'),
    rejectedBy: uuid('rejected_by'),
    rejectedByEmail: text('rejected_by_email'),
    rejectedAt: at('rejected_at'),
    rejectionReason: text('rejection_reason'),
    reopenedAt: at('reopened_at'),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('period_closes_one_live').on(t.periodId).where(sql`${t.status} <> 'REOPENED'`),
    check(
      'period_closes_approved_by_other',
      sql`${t.status} <> 'APPROVED' OR (${t.approvedBy} IS NOT NULL AND ${t.approvedBy} IS DISTINCT FROM ${t.submittedBy})`,
    ),
  ],
);

/**
 * Every change of a period's posting state or of its close, forward or back, in order. Append-only.
 * The firm's board reads the last row of a period for "who moved it, when".
 */
export const periodTransitions = pgTable(
  'period_transitions',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    periodId: uuid('period_id')
      .notNull()
      .references(() => postingPeriods.id),
    /** LOCK, START_CLOSE, SUBMIT_CLOSE, APPROVE_CLOSE, REJECT_CLOSE, REOPEN, YEAR_END_CLOSE, REVERSE_YEAR_END_CLOSE. */
    action: text('action').notNull(),
    // text, not the period_state enum: this module is loaded before schema.ts defines the enum.
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    closeId: uuid('close_id'),
    closeStatusFrom: periodCloseStatus('close_status_from'),
    closeStatusTo: periodCloseStatus('close_status_to'),
    actorId: uuid('actor_id'),
    actorEmail: text('actor_email'),
    reason: text('reason'),
    /** The transaction's recorded time (cifra_now(), migration 0020): after the gates it took. */
    occurredAt: at('occurred_at').notNull().default(sql`cifra_now()`),
  },
  (t) => [
    index('period_transitions_period_idx').on(t.periodId, t.id),
    check(
      'period_transitions_states',
      sql`${t.fromState}::period_state IS NOT NULL AND ${t.toState}::period_state IS NOT NULL`,
    ),
  ],
);

export const yearEndCloseStatus = pgEnum('year_end_close_status', [
  'DRAFT',
  'SUPERSEDED',
  'APPROVED',
  'REVERSED',
]);

/**
 * A guided year-end close: prepared as a draft (lines below, fingerprint of the year's books),
 * reviewed, then approved in one transaction that posts exactly those lines.
 */
export const yearEndCloses = pgTable(
  'year_end_closes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fiscalYear: integer('fiscal_year')
      .notNull()
      .references(() => fiscalYears.year),
    status: yearEndCloseStatus('status').notNull().default('DRAFT'),
    /** SHA-256 of the year's books at preparation; approval recomputes it and refuses on change. */
    fingerprint: text('fingerprint').notNull(),
    fxVarianceMode: text('fx_variance_mode').notNull(),
    closingDate: date('closing_date').notNull(),
    retainedEarningsAccountId: uuid('retained_earnings_account_id')
      .notNull()
      .references(() => accounts.id),
    /** Income minus expenses of the year, base minor units (negative: a loss). */
    netIncomeMinor: bigint('net_income_minor', { mode: 'bigint' }).notNull(),
    preparedBy: uuid('prepared_by'),
    preparedByEmail: text('prepared_by_email'),
    preparedAt: at('prepared_at').notNull().defaultNow(),
    approvedBy: uuid('approved_by'),
    approvedByEmail: text('approved_by_email'),
    approvedAt: at('approved_at'),
    closingEntryId: uuid('closing_entry_id').references(() => journalEntries.id),
    reversedAt: at('reversed_at'),
    reversalEntryId: uuid('reversal_entry_id').references(() => journalEntries.id),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('year_end_closes_one_approved').on(t.fiscalYear).where(sql`${t.status} = 'APPROVED'`),
    uniqueIndex('year_end_closes_one_draft').on(t.fiscalYear).where(sql`${t.status} = 'DRAFT'`),
  ],
);

export const yearEndCloseLineGroup = pgEnum('year_end_close_line_group', ['CLOSING', 'ACCRUAL_REVERSAL']);

/**
 * The lines of a year-end close draft, each with its plain-language explanation. CLOSING lines form
 * the closing entry (dated the last day of the year); each ACCRUAL_REVERSAL group (one per accrual,
 * `reversesEntryId`) is one reversing entry dated the first day of the next year. Append-only:
 * a draft is never edited, only superseded by a new preparation.
 */
export const yearEndCloseLines = pgTable(
  'year_end_close_lines',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    closeId: uuid('close_id')
      .notNull()
      .references(() => yearEndCloses.id),
    lineNumber: smallint('line_number').notNull(),
    group: yearEndCloseLineGroup('line_group').notNull(),
    reversesEntryId: uuid('reverses_entry_id').references(() => journalEntries.id),
    postingDate: date('posting_date').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    /** Signed base minor units: debit positive, credit negative (as gl_lines). */
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    originalCurrency: char('original_currency', { length: 3 }).notNull(),
    originalAmountMinor: bigint('original_amount_minor', { mode: 'bigint' }).notNull(),
    explanation: text('explanation').notNull(),
  },
  (t) => [
    uniqueIndex('year_end_close_lines_number').on(t.closeId, t.lineNumber),
    check('year_end_close_lines_nonzero', sql`${t.amountMinor} <> 0`),
    check('year_end_close_lines_group', sql`(${t.group} = 'CLOSING') = (${t.reversesEntryId} IS NULL)`),
  ],
);

export const yearEndReversalStatus = pgEnum('year_end_reversal_status', ['PENDING', 'APPROVED']);

/** A request to reverse an approved year-end close; a second person approves it (four eyes). */
export const yearEndCloseReversals = pgTable(
  'year_end_close_reversals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fiscalYear: integer('fiscal_year')
      .notNull()
      .references(() => fiscalYears.year),
    yearEndCloseId: uuid('year_end_close_id')
      .notNull()
      .references(() => yearEndCloses.id),
    status: yearEndReversalStatus('status').notNull().default('PENDING'),
    reason: text('reason').notNull(),
    requestedBy: uuid('requested_by').notNull(),
    requestedByEmail: text('requested_by_email'),
    requestedAt: at('requested_at').notNull().defaultNow(),
    approvedBy: uuid('approved_by'),
    approvedByEmail: text('approved_by_email'),
    approvedAt: at('approved_at'),
    reversalEntryId: uuid('reversal_entry_id').references(() => journalEntries.id),
  },
  (t) => [
    uniqueIndex('year_end_close_reversals_one_pending').on(t.fiscalYear).where(sql`${t.status} = 'PENDING'`),
    check('year_end_close_reversals_reason', sql`char_length(${t.reason}) >= 20`),
    check(
      'year_end_close_reversals_four_eyes',
      sql`${t.status} <> 'APPROVED' OR (${t.approvedBy} IS NOT NULL AND ${t.approvedBy} <> ${t.requestedBy})`,
    ),
  ],
);

/**
 * The close board's outbox (tenant migration 0025): one row per transaction that changed what the
 * board shows of this client, written by statement triggers; the projector deletes the rows it read.
 */
export const closeBoardChanges = pgTable('close_board_changes', {
  txid: bigint('txid', { mode: 'bigint' }).primaryKey(),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
});
