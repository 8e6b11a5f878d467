import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  char,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { accounts, glLines } from './schema.ts';

/**
 * Bank statements and their reconciliation with the GL (migration 0029,
 * docs/architecture/bank.md). Statements and their lines are append-only facts from the bank;
 * matches are undone by marking them unmatched (with a reason), never by deleting them.
 */

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/**
 * The Bank role's bindings: unlike `account_role_bindings` (one account per role), a client may
 * bind several accounts, each with the currency its statements are in and, for CSV, the column
 * mapping of its bank's export.
 */
export const bankAccounts = pgTable('bank_accounts', {
  accountId: uuid('account_id')
    .primaryKey()
    .references(() => accounts.id),
  currency: char('currency', { length: 3 }).notNull(),
  csvMapping: jsonb('csv_mapping'),
  createdAt: createdAt(),
});

/**
 * One imported statement; `seq` chains a bank account's live statements (opening = previous
 * closing). A wrongly imported one is marked deleted (migration 0035), never removed: the
 * uniqueness of seq, digest and bank id holds among live statements only.
 */
export const bankStatements = pgTable(
  'bank_statements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    bankAccountId: uuid('bank_account_id')
      .notNull()
      .references(() => bankAccounts.accountId),
    seq: integer('seq').notNull(),
    format: text('format').notNull(),
    /** The bank's own statement id (OFX, camt.053), when the file has one. */
    bankStatementId: text('bank_statement_id'),
    /** sha256 of the statement's canonical content (period, balances, lines), whatever the format. */
    digest: text('digest').notNull(),
    periodStart: date('period_start').notNull(),
    periodEnd: date('period_end').notNull(),
    openingBalanceMinor: bigint('opening_balance_minor', { mode: 'bigint' }).notNull(),
    closingBalanceMinor: bigint('closing_balance_minor', { mode: 'bigint' }).notNull(),
    importedBy: uuid('imported_by'),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    deletedBy: uuid('deleted_by'),
    deleteReason: text('delete_reason'),
  },
  (t) => [
    uniqueIndex('bank_statements_seq').on(t.bankAccountId, t.seq).where(sql`${t.deletedAt} IS NULL`),
    uniqueIndex('bank_statements_digest').on(t.bankAccountId, t.digest).where(sql`${t.deletedAt} IS NULL`),
    uniqueIndex('bank_statements_bank_id')
      .on(t.bankAccountId, t.bankStatementId)
      .where(sql`${t.bankStatementId} IS NOT NULL AND ${t.deletedAt} IS NULL`),
    check('bank_statements_span', sql`${t.periodStart} <= ${t.periodEnd}`),
  ],
);

/** A statement line, signed as the GL is: money in (a debit to the bank account) positive. */
export const bankStatementLines = pgTable(
  'bank_statement_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    statementId: uuid('statement_id')
      .notNull()
      .references(() => bankStatements.id),
    lineNumber: integer('line_number').notNull(),
    bookingDate: date('booking_date').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    description: text('description').notNull().default(''),
    reference: text('reference').notNull().default(''),
    counterparty: text('counterparty').notNull().default(''),
  },
  (t) => [
    unique('bank_statement_lines_number').on(t.statementId, t.lineNumber),
    check('bank_statement_lines_nonzero', sql`${t.amountMinor} <> 0`),
    index('bank_statement_lines_date_idx').on(t.bookingDate),
  ],
);

/** A match of statement lines to GL lines of the same bank account, their amounts equal. */
export const bankMatches = pgTable('bank_matches', {
  id: uuid('id').primaryKey().defaultRandom(),
  bankAccountId: uuid('bank_account_id')
    .notNull()
    .references(() => bankAccounts.accountId),
  /** SUGGESTED (accepted suggestion), MANUAL, or CREATED (an entry posted from the line). */
  kind: text('kind').notNull(),
  matchedBy: uuid('matched_by'),
  createdAt: createdAt(),
  unmatchedAt: timestamp('unmatched_at', { withTimezone: true }),
  unmatchedBy: uuid('unmatched_by'),
  unmatchReason: text('unmatch_reason'),
});

/**
 * The two sides of a match. `active` is copied from the match so that one partial unique index
 * per side keeps a line in at most one live match: of two people matching it at once, one wins.
 */
export const bankMatchItems = pgTable(
  'bank_match_items',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    matchId: uuid('match_id')
      .notNull()
      .references(() => bankMatches.id),
    statementLineId: uuid('statement_line_id').references(() => bankStatementLines.id),
    glLineId: bigint('gl_line_id', { mode: 'bigint' }).references(() => glLines.id),
    active: boolean('active').notNull().default(true),
  },
  (t) => [
    check('bank_match_items_one_side', sql`num_nonnulls(${t.statementLineId}, ${t.glLineId}) = 1`),
    uniqueIndex('bank_match_items_statement_line')
      .on(t.statementLineId)
      .where(sql`${t.active} AND ${t.statementLineId} IS NOT NULL`),
    uniqueIndex('bank_match_items_gl_line')
      .on(t.glLineId)
      .where(sql`${t.active} AND ${t.glLineId} IS NOT NULL`),
    index('bank_match_items_match_idx').on(t.matchId),
  ],
);

/** A saved rule: a statement line whose description contains `pattern` goes to `accountId`. */
export const bankRules = pgTable('bank_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Null: every bank account of the client. */
  bankAccountId: uuid('bank_account_id').references(() => bankAccounts.accountId),
  pattern: text('pattern').notNull(),
  accountId: uuid('account_id')
    .notNull()
    .references(() => accounts.id),
  active: boolean('active').notNull().default(true),
  createdBy: uuid('created_by'),
  createdAt: createdAt(),
});
