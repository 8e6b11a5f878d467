import { DOCUMENT_KINDS } from '@cifra/domain';
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  char,
  check,
  date,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { exchangeRates } from './fx.ts';
import { openingImports } from './opening.ts';
import { accounts, journalEntries, postingPeriods, taxCodes } from './schema.ts';

/**
 * The subledgers behind the GL: parties, items, documents and their allocations, journal-entry
 * drafts awaiting approval, and the per-account per-period balances kept at posting.
 */

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const partyKind = pgEnum('party_kind', ['CUSTOMER', 'VENDOR']);

/** Customers and vendors. Master data: editable, every version kept by the history triggers. */
export const parties = pgTable(
  'parties',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: partyKind('kind').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    taxId: text('tax_id'),
    /** The currency the party is invoiced or billed in by default. */
    currency: char('currency', { length: 3 }).notNull(),
    /** Payment terms: days from the document date to its due date. */
    paymentTermsDays: integer('payment_terms_days').notNull().default(30),
    email: text('email'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('parties_kind_code').on(t.kind, t.code),
    check('parties_terms', sql`${t.paymentTermsDays} >= 0`),
  ],
);

/** What is sold or bought, with the accounts and tax code its lines default to. */
export const items = pgTable('items', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  /** Default unit price, an exact decimal in the document's currency. */
  unitPrice: numeric('unit_price', { precision: 20, scale: 6 }),
  incomeAccountId: uuid('income_account_id').references(() => accounts.id),
  expenseAccountId: uuid('expense_account_id').references(() => accounts.id),
  taxCode: text('tax_code').references(() => taxCodes.code),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const documentKind = pgEnum('document_kind', DOCUMENT_KINDS);

/** DRAFT is editable; DISCARDED and POSTED are final (the database refuses any later change). */
export const documentStatus = pgEnum('document_status', ['DRAFT', 'DISCARDED', 'POSTED']);

/**
 * Sales and purchase documents. Amounts are in the document's own currency, in its minor units;
 * `exchangeRate` is how many units of the client's base currency one unit of the document's
 * currency is worth (exact decimal; 1 for base-currency documents).
 */
export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: documentKind('kind').notNull(),
    status: documentStatus('status').notNull().default('DRAFT'),
    /** Gapless per document type and fiscal year, assigned at posting. */
    number: text('number').unique(),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    documentDate: date('document_date').notNull(),
    postingDate: date('posting_date').notNull(),
    dueDate: date('due_date'),
    currency: char('currency', { length: 3 }).notNull(),
    /**
     * The rate given by the user (a draft), or the rate the document was posted at. A foreign draft
     * without one is translated at the rate in force on its document date, looked up at posting.
     */
    exchangeRate: numeric('exchange_rate', { precision: 30, scale: 12 }),
    /** FX provenance, set at posting for a foreign-currency document: the ExchangeRateHistory row used. */
    exchangeRateId: bigint('exchange_rate_id', { mode: 'bigint' }).references(() => exchangeRates.id),
    /** The rate used was older than the document date (the last known rate standing in). */
    rateIsFallback: boolean('rate_is_fallback').notNull().default(false),
    /** The party's own reference (a vendor's bill number, a customer's purchase order). */
    reference: text('reference'),
    memo: text('memo').notNull().default(''),
    /** Credit and debit notes: the invoice they correct. */
    appliesToId: uuid('applies_to_id'),
    /** Receipts and payments: the bank or cash account the money moved through. */
    bankAccountId: uuid('bank_account_id').references(() => accounts.id),
    /** Receipts and payments: bank charges withheld from the settlement, in the document's currency. */
    bankFeeMinor: bigint('bank_fee_minor', { mode: 'bigint' }).notNull().default(sql`0`),
    subtotalMinor: bigint('subtotal_minor', { mode: 'bigint' }).notNull().default(sql`0`),
    taxMinor: bigint('tax_minor', { mode: 'bigint' }).notNull().default(sql`0`),
    totalMinor: bigint('total_minor', { mode: 'bigint' }).notNull().default(sql`0`),
    /** The total translated into the base currency at posting. */
    baseTotalMinor: bigint('base_total_minor', { mode: 'bigint' }),
    /**
     * Set at posting (migration 0031): what a receipt, payment or note left on the party's account
     * as a credit (not allocated to an invoice), in its currency and in base at its own rate.
     * Refunds and credit applications consume it through allocations naming this document.
     */
    creditMinor: bigint('credit_minor', { mode: 'bigint' }).notNull().default(sql`0`),
    creditBaseMinor: bigint('credit_base_minor', { mode: 'bigint' }).notNull().default(sql`0`),
    entryId: uuid('entry_id').references(() => journalEntries.id),
    idempotencyKey: text('idempotency_key').unique(),
    /** sha256 of the first request's canonical payload under `idempotencyKey` (migration 0018). */
    idempotencyHash: text('idempotency_hash'),
    /** An open item brought by an opening balance import (migration 0034), and what it was issued for. */
    openingImportId: uuid('opening_import_id').references(() => openingImports.id),
    originalTotalMinor: bigint('original_total_minor', { mode: 'bigint' }),
    createdBy: uuid('created_by'),
    postedBy: uuid('posted_by'),
    postedAt: timestamp('posted_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('documents_party_idx').on(t.partyId, t.kind),
    index('documents_posting_date_idx').on(t.postingDate),
    check('documents_rate_positive', sql`${t.exchangeRate} IS NULL OR ${t.exchangeRate} > 0`),
    check('documents_fallback_has_rate', sql`${t.exchangeRateId} IS NOT NULL OR NOT ${t.rateIsFallback}`),
    check('documents_amounts', sql`${t.totalMinor} >= 0 AND ${t.bankFeeMinor} >= 0`),
    check(
      'documents_posted_numbered',
      sql`${t.status} <> 'POSTED' OR (${t.number} IS NOT NULL AND ${t.entryId} IS NOT NULL)`,
    ),
  ],
);

export const documentLines = pgTable(
  'document_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id),
    lineNumber: smallint('line_number').notNull(),
    itemId: uuid('item_id').references(() => items.id),
    description: text('description').notNull().default(''),
    /** The income account (sales side) or expense/asset account (purchasing side) of the line. */
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull(),
    unitPrice: numeric('unit_price', { precision: 20, scale: 6 }).notNull(),
    taxCode: text('tax_code').references(() => taxCodes.code),
    /** quantity × unit price, rounded to the currency's minor unit. */
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    taxMinor: bigint('tax_minor', { mode: 'bigint' }).notNull().default(sql`0`),
  },
  (t) => [
    unique('document_lines_number').on(t.documentId, t.lineNumber),
    check('document_lines_quantity', sql`${t.quantity} > 0`),
    check('document_lines_price', sql`${t.unitPrice} >= 0`),
  ],
);

/**
 * Settlement: a receipt, payment or note applied to an open invoice, in the invoice's currency.
 * Posted with the settling document and never changed; a voided settling document releases them.
 */
export const allocations = pgTable(
  'allocations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The receipt, payment, credit note or debit note. */
    sourceDocumentId: uuid('source_document_id')
      .notNull()
      .references(() => documents.id),
    /** The invoice it settles. */
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => documents.id),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    /**
     * The invoice's receivable or payable cleared, in base currency at the invoice's own rate (the
     * allocation that settles the invoice fully takes exactly what is left). Null before FX work.
     */
    baseAmountMinor: bigint('base_amount_minor', { mode: 'bigint' }),
    /**
     * The realized exchange difference of this allocation in base currency: what the settlement was
     * worth at the settling document's rate less what it cleared. Positive is a gain, negative a loss.
     */
    realizedFxMinor: bigint('realized_fx_minor', { mode: 'bigint' }).notNull().default(sql`0`),
    /**
     * Of `amountMinor`, what a receipt closed as a small difference (the client's tolerance, posted
     * to SmallDifferences) rather than with money: the receipt's cash is `amountMinor` less this.
     */
    smallDifferenceMinor: bigint('small_difference_minor', { mode: 'bigint' }).notNull().default(sql`0`),
    createdAt: createdAt(),
  },
  (t) => [
    unique('allocations_pair').on(t.sourceDocumentId, t.invoiceId),
    index('allocations_invoice_idx').on(t.invoiceId),
    check('allocations_positive', sql`${t.amountMinor} > 0`),
    check(
      'allocations_small_difference',
      sql`${t.smallDifferenceMinor} >= 0 AND ${t.smallDifferenceMinor} < ${t.amountMinor}`,
    ),
  ],
);

/** A posted document or journal entry that was voided: the reason, who, and the reversing entry. */
export const voids = pgTable(
  'voids',
  {
    /** The voided journal entry (documents are voided through their entry). */
    entryId: uuid('entry_id')
      .primaryKey()
      .references(() => journalEntries.id),
    documentId: uuid('document_id').references(() => documents.id),
    reversalEntryId: uuid('reversal_entry_id')
      .notNull()
      .unique()
      .references(() => journalEntries.id),
    reason: text('reason').notNull(),
    voidedBy: uuid('voided_by').notNull(),
    voidedAt: timestamp('voided_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('voids_document_idx').on(t.documentId)],
);

/** Manual journal entries made by one person and approved (posted) by another. */
export const journalDrafts = pgTable(
  'journal_drafts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    status: documentStatus('status').notNull().default('DRAFT'),
    postingDate: date('posting_date').notNull(),
    memo: text('memo').notNull().default(''),
    autoReverse: boolean('auto_reverse').notNull().default(false),
    /** The chosen reversal date (migration 0033); null: the first day of the next month. */
    reverseOn: date('reverse_on'),
    createdBy: uuid('created_by').notNull(),
    createdByEmail: text('created_by_email'),
    entryId: uuid('entry_id').references(() => journalEntries.id),
    approvedBy: uuid('approved_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('journal_drafts_date_idx').on(t.postingDate)],
);

export const journalDraftLines = pgTable(
  'journal_draft_lines',
  {
    draftId: uuid('draft_id')
      .notNull()
      .references(() => journalDrafts.id),
    lineNumber: smallint('line_number').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    /** Signed base-currency amount: debit positive, credit negative. */
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    memo: text('memo').notNull().default(''),
    /** The party a line on a control account concerns (migration 0021). */
    partyId: uuid('party_id').references(() => parties.id),
  },
  (t) => [primaryKey({ columns: [t.draftId, t.lineNumber] })],
);

/**
 * Each account's debits and credits per posting period, kept by a trigger on gl_lines so the trial
 * balance costs O(accounts × periods) whatever the number of lines. Nobody writes it directly.
 */
export const accountPeriodBalances = pgTable(
  'account_period_balances',
  {
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    periodId: uuid('period_id')
      .notNull()
      .references(() => postingPeriods.id),
    debitMinor: bigint('debit_minor', { mode: 'bigint' }).notNull().default(sql`0`),
    creditMinor: bigint('credit_minor', { mode: 'bigint' }).notNull().default(sql`0`),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.periodId] })],
);

/** The prefix of each document type's numbers (`INV-2026-000001`); the sequence itself is number_sequences. */
export const numberingPrefixes = pgTable('numbering_prefixes', {
  documentType: text('document_type').primaryKey(),
  /** One kind per prefix: two kinds sharing one would issue the same document numbers. */
  prefix: text('prefix').notNull().unique('numbering_prefixes_prefix_unique'),
});
