import { date, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts, journalEntries } from './schema.ts';

/**
 * A client's opening balances brought from its previous system (tenant migration 0034): the
 * trial balance's entry, and the open items posted as documents that point back here
 * (`documents.opening_import_id`). One live import per client (`opening_imports_one_live`);
 * an import is only ever voided, once (trigger `opening_imports_void_only`).
 */
export const openingImports = pgTable('opening_imports', {
  id: uuid('id').primaryKey().defaultRandom(),
  openingDate: date('opening_date').notNull(),
  entryId: uuid('entry_id')
    .notNull()
    .references(() => journalEntries.id),
  /** The account the open items post against; they net to zero on it with the trial balance's entry. */
  clearingAccountId: uuid('clearing_account_id').references(() => accounts.id),
  importedBy: uuid('imported_by'),
  importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  voidedAt: timestamp('voided_at', { withTimezone: true }),
  voidedBy: uuid('voided_by'),
  voidReason: text('void_reason'),
  voidDate: date('void_date'),
});
