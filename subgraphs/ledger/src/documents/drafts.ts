import { inTransaction, recordAuditEvent } from '@cifra/db';
import { type BoundRequest, badInput, DomainError, idempotencyKeyReused } from '@cifra/domain';
import { type Books, Constraints, isUniqueViolation } from '../services/books.ts';
import { draftRequest, type InvoiceDraftInput, type PaymentDraftInput } from './inputs.ts';
import { isInvoiceLike, KINDS, requireDraft, requirePermission } from './kinds.ts';
import { atRatesHeld, prepareInvoice } from './prepare-invoice.ts';
import { preparePayment } from './prepare-payment.ts';
import {
  clearDraftContent,
  type DocumentKind,
  type DocumentRow,
  documentById,
  documentUnderKey,
  insertDocument,
  lockDocument,
  updateDocument,
  writeDraftContent,
} from './store.ts';

/** Drafts of every kind: created (idempotently), replaced whole, or discarded. */

/** Create a draft of any kind. A retry with the same idempotency key and input returns the first draft. */
export async function createDraft(
  books: Books,
  kind: DocumentKind,
  raw: InvoiceDraftInput | PaymentDraftInput,
): Promise<DocumentRow> {
  requirePermission(books, KINDS[kind].create);
  const key = (raw as { idempotencyKey?: string | null }).idempotencyKey;
  const request = key ? draftRequest(kind, raw) : null;
  const firstUnder = async (k: string, r: BoundRequest) => {
    const first = await documentUnderKey(books.db, k);
    return first ? sameRequest(first, k, r) : null;
  };
  if (key && request) {
    const first = await firstUnder(key, request);
    if (first) return first;
  }
  const prepared = isInvoiceLike(kind)
    ? await prepareInvoice(books, kind, raw as InvoiceDraftInput)
    : await preparePayment(books, kind, raw as PaymentDraftInput);
  try {
    return await inTransaction(books.db, books.actor, async (tx) => {
      const content = await atRatesHeld(tx, prepared);
      const doc = await insertDocument(tx, {
        ...content.values,
        idempotencyHash: request?.hash ?? null,
        kind,
        createdBy: books.actor.userId,
      });
      await writeDraftContent(tx, doc.id, content, kind);
      await recordAuditEvent(tx, books.actor, {
        action: 'document.drafted',
        entityType: 'Document',
        entityId: doc.id,
        after: { kind, ...content.values, lines: content.lines.length, allocations: content.allocations },
      });
      return doc;
    });
  } catch (err) {
    // A concurrent request with this key committed first: answer its draft (or refuse the key).
    if (key && request && isUniqueViolation(err, Constraints.documentIdempotencyKey)) {
      const first = await firstUnder(key, request);
      if (first) return first;
    }
    throw err;
  }
}

/** The first draft under a key, if this request is the same as the one that made it. */
export function sameRequest(doc: DocumentRow, key: string, request: BoundRequest): DocumentRow {
  if (request.matches(doc.idempotencyHash)) return doc;
  if (doc.idempotencyHash === null) {
    // Drafted before keys were bound to their request (migration 0018), and drafts are editable:
    // nothing left to compare the replay with. Refusing is the answer that cannot be wrong.
    throw new DomainError(
      'IDEMPOTENCY_KEY_REUSED',
      `idempotencyKey ${key} was first used at ${doc.createdAt.toISOString()}, before keys were bound to their request; it cannot be compared: read document ${doc.id} or send a new key`,
      {
        field: 'idempotencyKey',
        idempotencyKey: key,
        firstRequestAt: doc.createdAt.toISOString(),
        documentId: doc.id,
      },
    );
  }
  throw idempotencyKeyReused(key, doc.createdAt, { documentId: doc.id, kind: doc.kind });
}

/** Replace a draft's whole content (the input has the create shape). */
export async function updateDraft(
  books: Books,
  id: string,
  shape: 'INVOICE' | 'PAYMENT',
  raw: InvoiceDraftInput | PaymentDraftInput,
): Promise<DocumentRow> {
  const current = await documentById(books.db, id);
  if (!current) throw new DomainError('NOT_FOUND', `No document ${id}`, { id });
  requirePermission(books, KINDS[current.kind].create);
  if (isInvoiceLike(current.kind) !== (shape === 'INVOICE')) {
    throw badInput(
      `${current.kind} drafts are changed with ${isInvoiceLike(current.kind) ? 'updateInvoiceDraft' : 'updatePaymentDraft'}`,
      { id },
    );
  }
  requireDraft(current, 'edited');
  const prepared =
    shape === 'INVOICE'
      ? await prepareInvoice(books, current.kind, raw as InvoiceDraftInput)
      : await preparePayment(books, current.kind, raw as PaymentDraftInput);
  return inTransaction(books.db, books.actor, async (tx) => {
    const before = await lockDocument(tx, id);
    requireDraft(before, 'edited');
    const content = await atRatesHeld(tx, prepared);
    const { idempotencyKey: _key, ...values } = content.values;
    await clearDraftContent(tx, id);
    const after = await updateDocument(tx, id, { bankAccountId: null, bankFeeMinor: 0n, ...values });
    await writeDraftContent(tx, id, content, current.kind);
    await recordAuditEvent(tx, books.actor, {
      action: 'document.updated',
      entityType: 'Document',
      entityId: id,
      before,
      after: { ...after, lines: content.lines.length, allocations: content.allocations },
    });
    return after;
  });
}

/** A draft no one will post: DISCARDED, kept with its history. */
export async function discardDraft(books: Books, id: string): Promise<DocumentRow> {
  return inTransaction(books.db, books.actor, async (tx) => {
    const before = await lockDocument(tx, id);
    requirePermission(books, KINDS[before.kind].create);
    requireDraft(before, 'discarded');
    const after = await updateDocument(tx, id, { status: 'DISCARDED' });
    await recordAuditEvent(tx, books.actor, {
      action: 'document.discarded',
      entityType: 'Document',
      entityId: id,
      before: { status: before.status },
      after: { status: 'DISCARDED' },
    });
    return after;
  });
}
