import { sql } from 'drizzle-orm';
import { bigint, check, pgTable, primaryKey, smallint, unique, uuid } from 'drizzle-orm/pg-core';
import { documents } from './ledger.ts';

/**
 * The allocations a receipt or payment proposes while it is a draft. `allocations` holds only
 * posted facts and is append-only, so a draft's proposal, which the user may still edit, lives
 * here; posting copies it into `allocations` after checking each invoice's open balance again.
 * Editable only while the document is a draft (trigger `draft_allocations_draft_only`).
 */
export const draftAllocations = pgTable(
  'draft_allocations',
  {
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id),
    lineNumber: smallint('line_number').notNull(),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => documents.id),
    /** In the invoice's (and so the settling document's) currency. */
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.documentId, t.lineNumber] }),
    unique('draft_allocations_pair').on(t.documentId, t.invoiceId),
    check('draft_allocations_positive', sql`${t.amountMinor} > 0`),
  ],
);
