import { SourceKinds } from '@cifra/domain';
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
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { exchangeRates } from './fx.ts';

/**
 * One client's books. There is no tenant id anywhere in here: isolation is physical, one database
 * per client, so no query written against these tables can reach another client's rows.
 */

export const accountType = pgEnum('account_type', ['ASSET', 'LIABILITY', 'EQUITY', 'INCOME', 'EXPENSE']);

/** Roles the engine finds accounts by, so that renaming or renumbering an account breaks nothing. */
export const accountRole = pgEnum('account_role', [
  'DefaultAR',
  'DefaultAP',
  'Cash',
  'SalesTaxPayable',
  'PurchaseTaxReceivable',
  'RetainedEarnings',
  'FxVarianceBankFees',
  'RealizedFxGain',
  'RealizedFxLoss',
  'Rounding',
  // Bank charges on receipts and payments (migration 0021): never FX, whatever the FX mode.
  'BankFees',
  'BadDebt',
  'SmallDifferences',
]);

export const periodState = pgEnum('period_state', [
  'UNLOCKED',
  'LOCK_SALES',
  'LOCK_PURCHASING',
  'LOCK_SALES_AND_PURCHASING',
  'LOCKED',
  'CLOSED',
]);

export const fiscalYearState = pgEnum('fiscal_year_state', ['OPEN', 'CLOSED', 'AUDITED']);

/** What kind of document an entry came from; the period check depends on it. */
export const sourceKind = pgEnum('source_kind', SourceKinds);

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** The client itself: one row, the regional configuration every posting depends on. */
export const company = pgTable(
  'company',
  {
    singleton: boolean('singleton').primaryKey().default(true),
    legalName: text('legal_name').notNull(),
    region: text('region').notNull(),
    baseCurrency: char('base_currency', { length: 3 }).notNull(),
    baseMinorUnits: smallint('base_minor_units').notNull(),
    timezone: text('timezone').notNull(),
    fiscalYearStartMonth: smallint('fiscal_year_start_month').notNull().default(1),
    /** Legal details (migration 0027): required before the first sales document is issued. */
    ruc: text('ruc'),
    dv: text('dv'),
    rucKind: text('ruc_kind').$type<'LEGAL' | 'NATURAL'>(),
    address: text('address'),
    taxRegime: text('tax_regime'),
    createdAt: createdAt(),
  },
  (t) => [check('company_singleton', sql`${t.singleton}`)],
);

export const accounts = pgTable('accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  /** Free text for the people keeping the books (migration 0026); editable with the name. */
  description: text('description').notNull().default(''),
  type: accountType('type').notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});

export const accountRoleBindings = pgTable('account_role_bindings', {
  role: accountRole('role').primaryKey(),
  accountId: uuid('account_id')
    .notNull()
    .references(() => accounts.id),
});

/** Sales and purchase tax codes; `ratePercent` is an exact decimal (7.000 for ITBMS). */
export const taxCodes = pgTable('tax_codes', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  ratePercent: numeric('rate_percent', { precision: 7, scale: 3 }).notNull(),
  salesAccountRole: accountRole('sales_account_role'),
  purchaseAccountRole: accountRole('purchase_account_role'),
  /** False once deactivated: kept for the documents that used it, offered for no new one (0027). */
  active: boolean('active').notNull().default(true),
});

/** Each rate of a tax code from the day it takes effect; a document uses the rate of its date (0027). */
export const taxCodeRates = pgTable(
  'tax_code_rates',
  {
    taxCode: text('tax_code')
      .notNull()
      .references(() => taxCodes.code),
    effectiveFrom: date('effective_from').notNull(),
    ratePercent: numeric('rate_percent', { precision: 7, scale: 3 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.taxCode, t.effectiveFrom] })],
);

export const fiscalYears = pgTable('fiscal_years', {
  year: integer('year').primaryKey(),
  startDate: date('start_date').notNull(),
  endDate: date('end_date').notNull(),
  state: fiscalYearState('state').notNull().default('OPEN'),
});

export const postingPeriods = pgTable(
  'posting_periods',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fiscalYear: integer('fiscal_year')
      .notNull()
      .references(() => fiscalYears.year),
    periodNumber: smallint('period_number').notNull(),
    year: integer('year').notNull(),
    month: smallint('month').notNull(),
    startDate: date('start_date').notNull().unique(),
    endDate: date('end_date').notNull(),
    state: periodState('state').notNull().default('UNLOCKED'),
  },
  (t) => [
    unique('posting_periods_year_number').on(t.fiscalYear, t.periodNumber),
    check('posting_periods_span', sql`${t.startDate} <= ${t.endDate}`),
  ],
);

/** Gapless numbering: the next value is taken under a row lock inside the posting transaction. */
export const numberSequences = pgTable(
  'number_sequences',
  {
    documentType: text('document_type').notNull(),
    fiscalYear: integer('fiscal_year').notNull(),
    prefix: text('prefix').notNull(),
    nextValue: integer('next_value').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.documentType, t.fiscalYear] })],
);

/** A posted entry. Never updated or deleted: corrections are new entries that reverse it. */
export const journalEntries = pgTable(
  'journal_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: text('number').notNull().unique(),
    fiscalYear: integer('fiscal_year').notNull(),
    periodId: uuid('period_id')
      .notNull()
      .references(() => postingPeriods.id),
    postingDate: date('posting_date').notNull(),
    /** Stamped by the database when the row is written; a trigger overrides anything supplied. */
    actualPostingDate: timestamp('actual_posting_date', { withTimezone: true }).notNull().defaultNow(),
    sourceKind: sourceKind('source_kind').notNull(),
    sourceId: uuid('source_id'),
    memo: text('memo').notNull().default(''),
    idempotencyKey: text('idempotency_key').unique(),
    /** sha256 of the first request's canonical payload under `idempotencyKey` (migration 0018). */
    idempotencyHash: text('idempotency_hash'),
    reversesEntryId: uuid('reverses_entry_id').unique(),
    /**
     * An accrual to reverse: on `reverseOn`, or the first day of the next month when none was chosen
     * (migration 0033); the year-end close reverses whatever is still pending on 1 January.
     */
    autoReverse: boolean('auto_reverse').notNull().default(false),
    reverseOn: date('reverse_on'),
    postedBy: uuid('posted_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('je_posting_date_idx').on(t.postingDate)],
);

/**
 * A GL line in the client's base currency, signed: debits positive, credits negative, so an
 * entry balances when its lines sum to zero. Each line remembers the currency and amount it came
 * from (equal to the base for base-currency documents).
 */
export const glLines = pgTable(
  'gl_lines',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => journalEntries.id),
    lineNumber: smallint('line_number').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    postingDate: date('posting_date').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    originalCurrency: char('original_currency', { length: 3 }).notNull(),
    originalAmountMinor: bigint('original_amount_minor', { mode: 'bigint' }).notNull(),
    /** The customer or vendor of a subledger line (receivable, payable). */
    partyId: uuid('party_id'),
    memo: text('memo').notNull().default(''),
    /**
     * FX provenance: the exact ExchangeRateHistory row that translated this line's original amount
     * into the base currency. Null on base-currency lines (and the rounding and realized-FX lines,
     * which are base amounts). The override flag, source and time come from the row itself.
     */
    exchangeRateId: bigint('exchange_rate_id', { mode: 'bigint' }).references(() => exchangeRates.id),
    /** The rate was older than the document's date when it was used: the last known rate standing in. */
    rateIsFallback: boolean('rate_is_fallback').notNull().default(false),
  },
  (t) => [
    unique('gl_lines_entry_line').on(t.entryId, t.lineNumber),
    index('gl_lines_exchange_rate_idx').on(t.exchangeRateId).where(sql`${t.exchangeRateId} IS NOT NULL`),
    check('gl_lines_fallback_has_rate', sql`${t.exchangeRateId} IS NOT NULL OR NOT ${t.rateIsFallback}`),
    index('gl_lines_account_date_idx').on(t.accountId, t.postingDate),
    index('gl_lines_fallback_idx').on(t.postingDate, t.entryId).where(sql`${t.rateIsFallback}`),
    index('gl_lines_party_idx').on(t.partyId),
    check('gl_lines_nonzero', sql`${t.amountMinor} <> 0`),
    check('gl_lines_same_sign', sql`sign(${t.amountMinor}) = sign(${t.originalAmountMinor})`),
  ],
);

/** Append-only record of every change in this client's books. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id'),
    actorEmail: text('actor_email'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    reason: text('reason'),
    requestId: text('request_id'),
    clientName: text('client_name'),
    clientVersion: text('client_version'),
    /**
     * The tamper-evident chain, all set by the database (trigger `audit_events_chain`, or
     * `cifra_append_audit_events` for many events at once), never by the writer, whose INSERT may
     * not name these columns: position in the chain, the previous event's hash and SHA-256 over
     * this event's content and that hash (hex). See docs/architecture/audit.md.
     */
    chainSeq: bigint('chain_seq', { mode: 'bigint' }).notNull(),
    prevHash: text('prev_hash'),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('ae_entity_idx').on(t.entityType, t.entityId),
    index('ae_time_idx').on(t.occurredAt),
    uniqueIndex('ae_chain_seq_idx').on(t.chainSeq),
    index('ae_action_idx').on(t.action),
    index('ae_actor_idx').on(t.actorEmail),
  ],
);

export * from './bank.ts';
export * from './fx.ts';
export * from './ledger.ts';
export * from './opening.ts';
export * from './periods.ts';
export * from './recurring.ts';
export * from './settlement.ts';
