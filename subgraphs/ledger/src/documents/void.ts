import { inTransaction, recordAuditEvent } from '@cifra/db';
import { DomainError, parseIsoDate, requireReason, todayIn } from '@cifra/domain';
import { reverseEntry } from '@cifra/engine';
import type { Books } from '../services/books.ts';
import { type Family, KINDS, requireFamily, requirePermission } from './kinds.ts';
import { type DocumentRow, isVoided, liveSettlementsOf, lockDocument } from './store.ts';

const OPERATION: Record<Family, string> = {
  SALES: 'voidSalesInvoice',
  PURCHASING: 'voidPurchaseInvoice',
  PAYMENT: 'voidPayment',
  WRITE_OFF: 'voidBadDebtWriteOff',
};

/**
 * Void a posted document: the engine posts the mirror of its entry with the document's own kind,
 * dated `voidDate` (default today in the client's time zone), so the period check by side applies
 * to the void as to the posting; the `voids` row marks it. The document row is never touched.
 * An invoice that receipts, payments or notes still settle is refused until those are voided, so
 * no allocation is ever left pointing at a voided invoice.
 */
export async function voidDocument(
  books: Books,
  id: string,
  family: Family,
  rawReason: string,
  voidDate?: string | null,
): Promise<DocumentRow> {
  const reason = requireReason(rawReason);
  const postingDate = voidDate ? parseIsoDate(voidDate, 'voidDate') : todayIn(books.company.timezone);
  const actor = { ...books.actor, reason };
  return inTransaction(books.db, actor, async (tx) => {
    const doc = await lockDocument(tx, id);
    requireFamily(doc, family, OPERATION[family]);
    requirePermission(books, KINDS[doc.kind].void);
    if (doc.status !== 'POSTED' || !doc.entryId) {
      throw new DomainError(
        'CANNOT_VOID',
        `${doc.number ?? doc.id} is ${doc.status}: only posted documents are voided (discard a draft instead)`,
        { id, status: doc.status },
      );
    }
    if (await isVoided(tx, doc.id)) {
      throw new DomainError('ALREADY_VOIDED', `${doc.number} was already voided`, { id, number: doc.number });
    }
    const settling = await liveSettlementsOf(tx, id);
    if (settling.length) {
      const numbers = settling.map((s) => s.number);
      throw new DomainError(
        'DOCUMENT_HAS_SETTLEMENTS',
        `${doc.number} is settled by ${numbers.join(', ')}: void those first`,
        { id, number: doc.number, settledBy: numbers },
      );
    }
    const { reversal } = await reverseEntry(tx, actor, {
      entryId: doc.entryId,
      postingDate,
      reason,
      kind: doc.kind,
      documentId: doc.id,
      dateField: 'voidDate',
    });
    await recordAuditEvent(tx, actor, {
      action: 'document.voided',
      entityType: 'Document',
      entityId: id,
      before: { number: doc.number, voided: false },
      after: { number: doc.number, voided: true, reversal: reversal.number, voidDate: postingDate },
      reason,
    });
    return doc;
  });
}
