import { inPostingGroup, onTheWay, type tenant } from '@cifra/db';
import {
  type BoundRequest,
  badInput,
  DomainError,
  formatDecimal,
  idempotencyKeyReused,
  parseInput,
  parseIsoDate,
  parseMoney,
  requireReason,
} from '@cifra/domain';
import { z } from 'zod';
import { type LockedSettlements, lockSettledInvoices } from '../documents/group-store.ts';
import { documentRequest } from '../documents/inputs.ts';
import { KINDS, requirePermission } from '../documents/kinds.ts';
import { postLockedDraft } from '../documents/post.ts';
import { pegOf } from '../documents/rates.ts';
import { factsIn, requireSettlement } from '../documents/settlement.ts';
import {
  type DocumentRow,
  documentUnderKey,
  insertDocument,
  insertDraftAllocations,
  loadParty,
  type PartyRow,
} from '../documents/store.ts';
import { type Books, Constraints, isUniqueViolation } from '../services/books.ts';
import { BOOKS_LANE } from '../services/books-lane.ts';
import { decideDocumentRate } from '../services/exchange-rate.ts';

const KIND = 'BAD_DEBT_WRITE_OFF';

export const writeOffInput = z.object({
  invoiceId: z.string().uuid('not a valid id'),
  amount: z.string().nullish(),
  documentDate: z.string(),
  postingDate: z.string().nullish(),
  exchangeRate: z.string().nullish(),
  reason: z.string(),
  idempotencyKey: z.string().min(1).max(200).nullish(),
});
export type WriteOffInput = z.input<typeof writeOffInput>;

/**
 * Write off part or all of one sales invoice's open balance as a bad debt (issue 18 §2): a
 * BAD_DEBT_WRITE_OFF document drafted and posted in one transaction (so a refusal anywhere writes
 * nothing and burns no number), settling the invoice through one allocation, exactly as a receipt
 * would — the open balance, the aging and the settlement status all follow — with the posting of
 * `postLockedDraft`: BadDebt debit at the write-off's own rate, receivable credit at the invoice's
 * rate, the difference realized FX. The reason is the document's memo and the audit trail's reason.
 * A retry under the same idempotency key and input returns the first write-off.
 */
export async function writeOffBadDebt(books: Books, raw: WriteOffInput): Promise<DocumentRow> {
  requirePermission(books, KINDS[KIND].create);
  const input = parseInput(writeOffInput, raw);
  const reason = requireReason(input.reason);
  const documentDate = parseIsoDate(input.documentDate, 'documentDate');
  const postingDate = input.postingDate ? parseIsoDate(input.postingDate, 'postingDate') : documentDate;
  const { idempotencyKey: key, ...payload } = input;
  const bound = key ? documentRequest('bad_debt_write_off', { ...payload, reason }) : null;
  const hash = bound?.hash ?? null;
  const actor = { ...books.actor, reason };
  const request: WriteOffRequest = {
    books: { ...books, actor },
    input,
    documentDate,
    postingDate,
    idempotency: { key: key ?? null, hash },
  };
  // A keyed write-off looks its key up first: the group about to start waits for it meanwhile.
  const arrival = key ? onTheWay(books.db) : undefined;
  try {
    if (key && bound) {
      const first = await firstUnder(books, key, bound);
      if (first) return first;
    }
    // Group commit: the write-offs waiting together are posted by the books' lane (books-lane.ts,
    // write-offs-each.ts), each checked as here; it hands back any it cannot post, which then runs this.
    return await inPostingGroup(
      books.db,
      actor,
      async (tx) => {
        // Locked, so that receipts and notes of it wait for this posting; what settles it read after.
        const locked = await lockSettledInvoices(tx, [input.invoiceId]);
        const { values, allocation } = await checkWriteOff(request, locked, (id) =>
          loadParty(tx, id, KINDS[KIND].partyKind, true),
        );
        const draft = await insertDocument(tx, values);
        await insertDraftAllocations(tx, draft.id, [allocation]);
        return postLockedDraft(tx, request.books, draft);
      },
      { lane: BOOKS_LANE, request: { writeOff: request } },
      arrival,
    );
  } catch (err) {
    // A concurrent request with this key committed first: answer its write-off (or refuse the key).
    if (key && bound && isUniqueViolation(err, Constraints.documentIdempotencyKey)) {
      const first = await firstUnder(books, key, bound);
      if (first) return first;
    }
    throw err;
  } finally {
    arrival?.arrived();
  }
}

/** One `writeOffBadDebt` call, parsed: its books carry the reason as the actor's. */
export interface WriteOffRequest {
  books: Books;
  input: z.infer<typeof writeOffInput>;
  documentDate: string;
  postingDate: string;
  idempotency: { key: string | null; hash: string | null };
}

/**
 * The write-off checked on what was read with its invoice locked (`locked`): a posted sales invoice,
 * not written off before it was posted, its party (`partyOf`, inactive ones too), the amount (or
 * all that is open) against what is open, the rate — and the draft it posts, with its allocation.
 */
export async function checkWriteOff(
  { books, input, documentDate, postingDate, idempotency }: WriteOffRequest,
  locked: LockedSettlements,
  partyOf: (id: string) => PartyRow | Promise<PartyRow>,
): Promise<{
  values: typeof tenant.documents.$inferInsert;
  allocation: { invoiceId: string; amountMinor: bigint };
}> {
  const invoice = locked.invoices.get(input.invoiceId);
  if (invoice?.kind !== 'SALES_INVOICE') {
    throw badInput('invoiceId: no posted sales invoice with that id', { field: 'invoiceId' });
  }
  // A debt is written off after it arose: never dated before the invoice's own posting.
  if (postingDate < invoice.postingDate) {
    const field = input.postingDate ? 'postingDate' : 'documentDate';
    throw badInput(
      `${field}: ${postingDate} is before ${invoice.number} was posted (${invoice.postingDate})`,
      {
        field,
      },
    );
  }
  const spec = KINDS[KIND];
  const party = await partyOf(invoice.partyId);
  const minorUnits = await books.minorUnits(invoice.currency);
  const facts = factsIn(locked, invoice.id);
  const amountMinor = amountOf(input.amount, invoice, facts.settledMinor, minorUnits);
  requireSettlement(
    spec,
    party,
    invoice.currency,
    invoice,
    amountMinor,
    { field: 'invoiceId', postingDate },
    minorUnits,
    facts,
  );
  const rate = decideDocumentRate({
    currency: invoice.currency,
    baseCurrency: books.company.baseCurrency,
    explicit: input.exchangeRate,
    peg: pegOf(books, invoice.currency),
  });
  return {
    values: {
      kind: KIND,
      partyId: party.id,
      documentDate,
      postingDate,
      dueDate: null,
      currency: invoice.currency,
      exchangeRate: rate ? formatDecimal(rate) : null,
      reference: invoice.number,
      memo: books.actor.reason ?? '',
      appliesToId: invoice.id,
      bankAccountId: null,
      bankFeeMinor: 0n,
      subtotalMinor: amountMinor,
      taxMinor: 0n,
      totalMinor: amountMinor,
      idempotencyKey: idempotency.key,
      idempotencyHash: idempotency.hash,
      createdBy: books.actor.userId,
    },
    allocation: { invoiceId: invoice.id, amountMinor },
  };
}

/** The amount given (greater than zero), or the whole open balance of the invoice (`settledMinor` settled). */
function amountOf(
  raw: string | null | undefined,
  invoice: DocumentRow,
  settledMinor: bigint,
  minorUnits: number,
): bigint {
  if (raw != null) {
    const amount = parseMoney(raw, minorUnits, 'amount');
    if (amount <= 0n) throw badInput('amount: must be greater than zero', { field: 'amount' });
    return amount;
  }
  const open = invoice.totalMinor - settledMinor;
  if (open <= 0n) {
    throw new DomainError('OVER_ALLOCATION', `invoiceId: ${invoice.number} has nothing open to write off`, {
      field: 'invoiceId',
      invoice: invoice.number,
      openBalance: '0',
    });
  }
  return open;
}

/** The write-off first made under a key, if this request is the same; another request is refused. */
async function firstUnder(books: Books, key: string, bound: BoundRequest): Promise<DocumentRow | null> {
  const first = await documentUnderKey(books.db, key);
  if (!first) return null;
  if (first.kind === KIND && bound.matches(first.idempotencyHash) && first.status === 'POSTED') return first;
  throw idempotencyKeyReused(key, first.createdAt, { documentId: first.id, kind: first.kind });
}
