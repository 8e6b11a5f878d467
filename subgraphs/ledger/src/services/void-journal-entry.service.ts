import type { Actor, TenantDb } from '@cifra/db';
import { inTransaction, tenant } from '@cifra/db';
import { DomainError, isDocumentKind, parseIsoDate, requireReason } from '@cifra/domain';
import { type PostedEntry, reverseEntry } from '@cifra/engine';
import { eq } from 'drizzle-orm';

/**
 * Void a manual journal entry by posting its linked reversal (see the engine's reverseEntry), on
 * `postingDate` or, by default, the original's own posting date. Returns the original entry.
 */
export async function voidJournalEntry(
  db: TenantDb,
  actor: Actor,
  args: { id: string; reason: string; postingDate?: string | null },
): Promise<PostedEntry> {
  const reason = requireReason(args.reason);
  const postingDate = args.postingDate ? parseIsoDate(args.postingDate, 'postingDate') : null;
  return inTransaction(db, { ...actor, reason }, async (tx) => {
    const [entry] = await tx
      .select()
      .from(tenant.journalEntries)
      .where(eq(tenant.journalEntries.id, args.id));
    if (!entry) throw new DomainError('NOT_FOUND', `No journal entry ${args.id}`, { id: args.id });
    // Entries posted by a document are voided through the document, which voids its subledger too.
    if (isDocumentKind(entry.sourceKind)) {
      throw new DomainError(
        'CANNOT_VOID',
        `${entry.number} was posted by a ${entry.sourceKind} document: void the document instead`,
        { id: entry.id, number: entry.number, sourceKind: entry.sourceKind },
      );
    }
    // The opening balances' entry is voided with its open items, as one step (opening/void.ts).
    const [opening] = await tx
      .select({ id: tenant.openingImports.id })
      .from(tenant.openingImports)
      .where(eq(tenant.openingImports.entryId, entry.id));
    if (opening) {
      throw new DomainError(
        'CANNOT_VOID',
        `${entry.number} is the opening balances' entry: void the import instead (voidOpeningBalances)`,
        { id: entry.id, number: entry.number, openingBalanceImportId: opening.id },
      );
    }
    const { original } = await reverseEntry(
      tx,
      { ...actor, reason },
      {
        entryId: entry.id,
        postingDate: postingDate ?? entry.postingDate,
        reason,
      },
    );
    return original;
  });
}
