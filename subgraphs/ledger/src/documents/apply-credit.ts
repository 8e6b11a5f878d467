import { type Arrival, inPostingGroup, onTheWay, recordAuditEvent, type tenant } from '@cifra/db';
import {
  badInput,
  type Decimal,
  decimalOf,
  formatDecimal,
  formatMoney,
  parseInput,
  parseIsoDate,
  parseMoney,
  todayIn,
  translateAtRate,
} from '@cifra/domain';
import { nextNumber, type PostingRequest, postEntry, type TenantTx } from '@cifra/engine';
import { type Books, Constraints, isUniqueViolation } from '../services/books.ts';
import { BOOKS_LANE } from '../services/books-lane.ts';
import { sameRequest } from './drafts.ts';
import { type DocumentGlLine, roleAccount } from './gl-lines.ts';
import { type LockedSettlements, lockSettledInvoices, type PostedDocument } from './group-store.ts';
import { type ApplyCreditInput, applyCreditInput, documentRequest } from './inputs.ts';
import { controlRoleOf, KINDS, requirePermission } from './kinds.ts';
import { documentEntryKey } from './posted-event.ts';
import { invoiceProvenance, type Provenance } from './rates.ts';
import { creditAsOpenItem, factsIn, requireCredit, requireSettlement } from './settlement.ts';
import {
  type AccountRole,
  clearedBaseFrom,
  type DocumentRow,
  documentUnderKey,
  insertAllocations,
  insertDocument,
  loadParty,
  type PartyRow,
  roleAccounts,
  updateDocument,
} from './store.ts';
import { translateDocument } from './translate.ts';

export type CreditApplicationKind = 'CUSTOMER_CREDIT_APPLICATION' | 'VENDOR_CREDIT_APPLICATION';

/**
 * Apply a credit left on a party's account (a receipt's or payment's unapplied amount, a note's
 * excess) to one of the party's open invoices, in one step: a posted document of its own, numbered,
 * audited and voidable like a payment (voidPayment). Its entry moves the amount on the control
 * account from the credit to the invoice: the credit cleared at its own rate, the invoice at its
 * own, the difference realized FX on the account the client's variance mode names. A retry under
 * the same idempotency key returns the first application.
 */
export async function applyCredit(
  books: Books,
  kind: CreditApplicationKind,
  raw: ApplyCreditInput,
): Promise<DocumentRow> {
  const spec = KINDS[kind];
  requirePermission(books, spec.post);
  const input = parseInput(applyCreditInput, raw);
  const { idempotencyKey: key, ...payload } = input;
  const request = key ? documentRequest('credit_application', { kind, ...payload }) : null;
  const hash = request?.hash ?? null;
  // A keyed application looks its key up first: the group about to start waits for it meanwhile.
  const arrival = key ? onTheWay(books.db) : undefined;
  try {
    if (key && request) {
      const first = await documentUnderKey(books.db, key);
      if (first) return sameRequest(first, key, request);
    }
    const date = input.date ? parseIsoDate(input.date, 'date') : todayIn(books.company.timezone);
    return await post(books, kind, input, date, { key: key ?? null, hash }, arrival);
  } catch (err) {
    // A concurrent request under this key committed first: answer its application (or refuse the key).
    if (key && request && isUniqueViolation(err, Constraints.documentIdempotencyKey)) {
      const first = await documentUnderKey(books.db, key);
      if (first) return sameRequest(first, key, request);
    }
    throw err;
  } finally {
    arrival?.arrived();
  }
}

/** One `applyCredit` call, parsed: what the lone path and the books' lane post. */
export interface CreditApplication {
  books: Books;
  kind: CreditApplicationKind;
  input: ReturnType<typeof applyCreditInput.parse>;
  date: string;
  idempotency: { key: string | null; hash: string | null };
}

/**
 * Check and post the application under lock, in one transaction with the client's other postings:
 * the applications waiting together are posted by the books' lane (books-lane.ts,
 * apply-credit-each.ts), each checked as here; it hands back any it cannot post, which then runs this.
 */
async function post(
  books: Books,
  kind: CreditApplicationKind,
  input: ReturnType<typeof applyCreditInput.parse>,
  date: string,
  idempotency: { key: string | null; hash: string | null },
  arrival: Arrival | undefined,
): Promise<DocumentRow> {
  const application: CreditApplication = { books, kind, input, date, idempotency };
  const work = async (tx: TenantTx) => {
    const { creditId, invoiceId } = input;
    const locked = await lockSettledInvoices(tx, [creditId, invoiceId].sort());
    const credit = creditOf(application, locked);
    const party = await loadParty(tx, credit.partyId, KINDS[kind].partyKind);
    const minorUnits = await books.minorUnits(credit.currency);
    const { invoice, amountMinor } = checkApplication(application, credit, party, locked, minorUnits);
    const doc = await insertDocument(tx, applicationDraft(application, party, credit, amountMinor));
    return postApplication(tx, books, doc, credit, invoice, minorUnits, locked);
  };
  const batch = { lane: BOOKS_LANE, request: { application } };
  return inPostingGroup(books.db, books.actor, work, batch, arrival);
}

/** The credit an application uses, as locked: a document of the application's party kind. */
export function creditOf({ kind, input }: CreditApplication, locked: LockedSettlements): DocumentRow {
  const credit = locked.invoices.get(input.creditId);
  if (!credit || KINDS[credit.kind].partyKind !== KINDS[kind].partyKind) {
    throw badInput('creditId: no posted receipt, payment or note with that id', { field: 'creditId' });
  }
  return credit;
}

/**
 * The application checked on what was read with its credit and invoice locked: its date, its amount
 * (greater than zero), what the credit has left and what the invoice has open.
 */
export function checkApplication(
  { kind, input, date }: CreditApplication,
  credit: DocumentRow,
  party: PartyRow,
  locked: LockedSettlements,
  minorUnits: number,
): { invoice: DocumentRow; amountMinor: bigint } {
  const spec = KINDS[kind];
  const invoice = locked.invoices.get(input.invoiceId);
  const latest = [credit.postingDate, invoice?.postingDate ?? ''].sort()[1] as string;
  if (date < latest) {
    throw badInput(`date: ${date} is before ${latest}, when both the credit and the invoice exist`, {
      field: 'date',
    });
  }
  const amountMinor = parseMoney(input.amount, minorUnits, 'amount');
  if (amountMinor <= 0n) throw badInput('amount: must be greater than zero', { field: 'amount' });
  const facts = (id: string) => factsIn(locked, id);
  requireCredit(
    party,
    credit.currency,
    credit,
    amountMinor,
    { field: 'creditId', postingDate: date },
    minorUnits,
    facts(credit.id),
  );
  requireSettlement(
    spec,
    party,
    credit.currency,
    invoice,
    amountMinor,
    { field: 'invoiceId', postingDate: date },
    minorUnits,
    facts(input.invoiceId),
  );
  return { invoice: invoice as DocumentRow, amountMinor };
}

/** The application's document, a draft until it is posted in the same transaction. */
export function applicationDraft(
  { books, kind, input, date, idempotency }: CreditApplication,
  party: PartyRow,
  credit: DocumentRow,
  amountMinor: bigint,
): typeof tenant.documents.$inferInsert {
  return {
    kind,
    partyId: party.id,
    documentDate: date,
    postingDate: date,
    currency: credit.currency,
    memo: input.memo ?? '',
    totalMinor: amountMinor,
    subtotalMinor: amountMinor,
    idempotencyKey: idempotency.key,
    idempotencyHash: idempotency.hash,
    createdBy: books.actor.userId,
  };
}

/** What an application posts besides its number: its entry, its allocations, its rate and its event. */
export interface ApplicationPosting {
  entry: PostingRequest;
  allocations: PostedDocument['allocations'];
  rate: Decimal;
  provenance: Provenance;
  baseTotalMinor: bigint;
  /** Its `document.posted` event's `after`, but for its own number. */
  after: (entryNumber: string) => Record<string, unknown>;
}

/**
 * The application's entry moves the amount on the control account from the credit to the invoice:
 * the credit cleared at its own rate, the invoice at its own, the difference realized FX (the
 * translation, given what settles each and the base it cleared). No query: the lone path and the
 * lane both call it on what they read under lock.
 */
export async function applicationPosting(
  books: Books,
  doc: Pick<DocumentRow, 'id' | 'kind' | 'currency' | 'partyId' | 'postingDate' | 'memo' | 'totalMinor'>,
  credit: DocumentRow,
  invoice: DocumentRow,
  roles: Map<AccountRole, string>,
  minorUnits: number,
  locked: LockedSettlements,
): Promise<ApplicationPosting> {
  const spec = KINDS[doc.kind];
  const control = roleAccount(roles, controlRoleOf(spec.partyKind));
  // A customer's credit sits on the receivable as a credit: using it debits the receivable and the
  // invoice is credited. A vendor's credit sits on the payable as a debit: the mirror.
  const sign = spec.partyKind === 'CUSTOMER' ? 1n : -1n;
  const memo = doc.memo || `${credit.number} applied to ${invoice.number}`;
  const drafts: DocumentGlLine[] = [
    {
      accountId: control,
      amountMinor: sign * doc.totalMinor,
      partyId: doc.partyId,
      memo,
      settles: credit.id,
    },
    {
      accountId: control,
      amountMinor: -sign * doc.totalMinor,
      partyId: doc.partyId,
      memo,
      settles: invoice.id,
    },
  ];
  const rate = decimalOf(credit.exchangeRate ?? '1');
  const provenance = invoiceProvenance(credit, books.company.baseCurrency);
  const items = new Map([
    [credit.id, creditAsOpenItem(credit)],
    [invoice.id, invoice],
  ]);
  const { baseMinorUnits } = books.company;
  const cleared = clearedBaseFrom(locked.live, [...items.values()], minorUnits, baseMinorUnits);
  const state = { settled: locked.settled, cleared };
  const translated = await translateDocument(
    books,
    doc,
    drafts,
    { rate, provenance },
    items,
    roles,
    minorUnits,
    state,
  );
  const of = (id: string) => translated.settled.get(id);
  const realized = of(invoice.id)?.realizedFxMinor ?? 0n;
  return {
    entry: {
      kind: doc.kind,
      postingDate: doc.postingDate,
      memo,
      sourceId: doc.id,
      idempotencyKey: documentEntryKey(doc.id),
      lines: translated.lines,
    },
    allocations: [invoice.id, credit.id].map((id) => ({
      invoiceId: id,
      amountMinor: doc.totalMinor,
      baseAmountMinor: of(id)?.baseAmountMinor ?? null,
      realizedFxMinor: of(id)?.realizedFxMinor ?? 0n,
    })),
    rate,
    provenance,
    baseTotalMinor: translateAtRate(doc.totalMinor, rate, minorUnits, baseMinorUnits),
    after: (entryNumber) => ({
      status: 'POSTED',
      kind: doc.kind,
      entry: entryNumber,
      credit: credit.number,
      invoice: invoice.number,
      amount: formatMoney(doc.totalMinor, minorUnits),
      currency: doc.currency,
      exchangeRate: formatDecimal(rate),
      ...(realized !== 0n ? { realizedFx: formatMoney(realized, baseMinorUnits) } : {}),
    }),
  };
}

/** The application's entry, number, two allocations (the invoice settled, the credit used) and event. */
async function postApplication(
  tx: TenantTx,
  books: Books,
  doc: DocumentRow,
  credit: DocumentRow,
  invoice: DocumentRow,
  minorUnits: number,
  locked: LockedSettlements,
): Promise<DocumentRow> {
  const roles = await roleAccounts(tx);
  const posting = await applicationPosting(books, doc, credit, invoice, roles, minorUnits, locked);
  const entry = await postEntry(tx, books.actor, posting.entry);
  const number = await nextNumber(tx, doc.kind, entry.fiscalYear);
  await insertAllocations(
    tx,
    posting.allocations.map((a) => ({ ...a, sourceDocumentId: doc.id })),
  );
  const posted = await updateDocument(tx, doc.id, {
    status: 'POSTED',
    number,
    entryId: entry.id,
    exchangeRate: formatDecimal(posting.rate),
    exchangeRateId: posting.provenance.exchangeRateId,
    rateIsFallback: posting.provenance.rateIsFallback,
    baseTotalMinor: posting.baseTotalMinor,
    postedBy: books.actor.userId,
    postedAt: new Date(),
  });
  await recordAuditEvent(tx, books.actor, {
    action: 'document.posted',
    entityType: 'Document',
    entityId: doc.id,
    before: { status: 'DRAFT' },
    after: { ...posting.after(entry.number), number },
  });
  return posted;
}
