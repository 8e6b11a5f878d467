import { inTransaction, recordAuditEvent } from '@cifra/db';
import { DomainError, parseIsoDate, requireReason } from '@cifra/domain';
import { reverseEntry } from '@cifra/engine';
import { KINDS, requirePermission } from '../documents/kinds.ts';
import { isVoided, liveSettlementsOf } from '../documents/store.ts';
import type { Books } from '../services/books.ts';
import { type ImportRow, lockImport, lockOpenItems, markVoided, openItemsOf } from './store.ts';

/**
 * Void an opening balance import as one step: every open item still live is voided as its document
 * would be (its entry reversed with the document's kind, a `voids` row naming it), then the trial
 * balance's entry is reversed, all on `voidDate` (default the opening date), in one transaction.
 * Refused while a receipt, payment or note settles one of the open items, or a credit application
 * or refund uses one of the open credits (void those first: both are allocations naming the
 * document); an item voided on its own before is left as it is. The client may then import again.
 */
export async function voidOpeningBalances(
  books: Books,
  id: string,
  rawReason: string,
  voidDate?: string | null,
): Promise<ImportRow> {
  const reason = requireReason(rawReason);
  const actor = { ...books.actor, reason };
  return inTransaction(books.db, actor, async (tx) => {
    const row = await lockImport(tx, id);
    if (!row) throw new DomainError('NOT_FOUND', `No opening balance import ${id}`, { id });
    if (row.voidedAt)
      throw new DomainError('ALREADY_VOIDED', `Opening balances ${id} were already voided`, { id });
    const postingDate = voidDate ? parseIsoDate(voidDate, 'voidDate') : row.openingDate;
    await lockOpenItems(tx, id);
    const items = await openItemsOf(tx, id);
    for (const kind of new Set(items.map((d) => d.kind))) requirePermission(books, KINDS[kind].void);
    const live = [];
    for (const doc of items) if (!(await isVoided(tx, doc.id))) live.push(doc);
    const settledBy = [];
    for (const doc of live)
      settledBy.push(...(await liveSettlementsOf(tx, doc.id)).map((s) => `${s.number} (${doc.number})`));
    if (settledBy.length) {
      throw new DomainError(
        'DOCUMENT_HAS_SETTLEMENTS',
        `Open items or credits of the opening balances are settled or used by ${settledBy.join(', ')}: void those first`,
        { id, settledBy },
      );
    }
    for (const doc of live)
      await reverseEntry(tx, actor, {
        entryId: doc.entryId as string,
        postingDate,
        reason,
        kind: doc.kind,
        documentId: doc.id,
        dateField: 'voidDate',
      });
    const { reversal } = await reverseEntry(tx, actor, {
      entryId: row.entryId,
      postingDate,
      reason,
      dateField: 'voidDate',
    });
    const voided = await markVoided(tx, id, {
      voidedBy: actor.userId,
      voidReason: reason,
      voidDate: postingDate,
    });
    await recordAuditEvent(tx, actor, {
      action: 'opening_balances.voided',
      entityType: 'OpeningBalanceImport',
      entityId: id,
      before: { voided: false },
      after: { voided: true, voidDate: postingDate, reversal: reversal.number, openItemsVoided: live.length },
      reason,
    });
    return voided;
  });
}
