import { inPostingGroup, recordAuditEvent } from '@cifra/db';
import {
  badInput,
  decimalOf,
  formatDecimal,
  formatMoney,
  parseIsoDate,
  parseMoney,
  payloadHash,
  todayIn,
  translateAtRate,
} from '@cifra/domain';
import { nextNumber, postEntry, type TenantTx } from '@cifra/engine';
import { type Books, Constraints, isUniqueViolation } from '../services/books.ts';
import { parseInput } from '../services/parties.service.ts';
import { sameRequest } from './drafts.ts';
import { type DocumentGlLine, roleAccount } from './gl-lines.ts';
import { type LockedSettlements, lockSettledInvoices } from './group-store.ts';
import { type ApplyCreditInput, applyCreditInput } from './inputs.ts';
import { controlRoleOf, KINDS, requirePermission } from './kinds.ts';
import { documentEntryKey } from './posted-event.ts';
import { invoiceProvenance } from './rates.ts';
import { creditAsOpenItem, factsIn, requireCredit, requireSettlement } from './settlement.ts';
import {
  clearedBaseFrom,
  type DocumentRow,
  documentUnderKey,
  insertAllocations,
  insertDocument,
  loadParty,
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
  const hash = key ? payloadHash('credit_application', { kind, ...payload }) : null;
  if (key && hash) {
    const first = await documentUnderKey(books.db, key);
    if (first) return sameRequest(first, key, hash);
  }
  const date = input.date ? parseIsoDate(input.date, 'date') : todayIn(books.company.timezone);
  try {
    return await post(books, kind, input, date, { key: key ?? null, hash });
  } catch (err) {
    // A concurrent request under this key committed first: answer its application (or refuse the key).
    if (key && hash && isUniqueViolation(err, Constraints.documentIdempotencyKey)) {
      const first = await documentUnderKey(books.db, key);
      if (first) return sameRequest(first, key, hash);
    }
    throw err;
  }
}

/** Check and post the application under lock, in one transaction with the client's other postings. */
async function post(
  books: Books,
  kind: CreditApplicationKind,
  input: ReturnType<typeof applyCreditInput.parse>,
  date: string,
  idempotency: { key: string | null; hash: string | null },
): Promise<DocumentRow> {
  const spec = KINDS[kind];
  return inPostingGroup(books.db, books.actor, async (tx) => {
    const locked = await lockSettledInvoices(tx, [input.creditId, input.invoiceId].sort());
    const credit = locked.invoices.get(input.creditId);
    const invoice = locked.invoices.get(input.invoiceId);
    if (!credit || KINDS[credit.kind].partyKind !== spec.partyKind) {
      throw badInput('creditId: no posted receipt, payment or note with that id', { field: 'creditId' });
    }
    const latest = [credit.postingDate, invoice?.postingDate ?? ''].sort()[1] as string;
    if (date < latest) {
      throw badInput(`date: ${date} is before ${latest}, when both the credit and the invoice exist`, {
        field: 'date',
      });
    }
    const party = await loadParty(tx, credit.partyId, spec.partyKind);
    const minorUnits = await books.minorUnits(credit.currency);
    const amountMinor = parseMoney(input.amount, minorUnits, 'amount');
    if (amountMinor <= 0n) throw badInput('amount: must be greater than zero', { field: 'amount' });
    requireCredit(
      party,
      credit.currency,
      credit,
      amountMinor,
      { field: 'creditId', postingDate: date },
      minorUnits,
      factsIn(locked, credit.id),
    );
    requireSettlement(
      spec,
      party,
      credit.currency,
      invoice,
      amountMinor,
      { field: 'invoiceId', postingDate: date },
      minorUnits,
      factsIn(locked, input.invoiceId),
    );
    const settled = invoice as DocumentRow;
    const doc = await insertDocument(tx, {
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
    });
    return postApplication(tx, books, doc, credit, settled, minorUnits, locked);
  });
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
  const spec = KINDS[doc.kind];
  const roles = await roleAccounts(tx);
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
  const cleared = clearedBaseFrom(locked.live, [...items.values()], minorUnits, books.company.baseMinorUnits);
  const translated = await translateDocument(
    books,
    doc,
    drafts,
    { rate, provenance },
    items,
    roles,
    minorUnits,
    { settled: locked.settled, cleared },
  );
  const entry = await postEntry(tx, books.actor, {
    kind: doc.kind,
    postingDate: doc.postingDate,
    memo,
    sourceId: doc.id,
    idempotencyKey: documentEntryKey(doc.id),
    lines: translated.lines,
  });
  const number = await nextNumber(tx, doc.kind, entry.fiscalYear);
  const of = (id: string) => translated.settled.get(id);
  await insertAllocations(
    tx,
    [invoice.id, credit.id].map((id) => ({
      sourceDocumentId: doc.id,
      invoiceId: id,
      amountMinor: doc.totalMinor,
      baseAmountMinor: of(id)?.baseAmountMinor ?? null,
      realizedFxMinor: of(id)?.realizedFxMinor ?? 0n,
    })),
  );
  const posted = await updateDocument(tx, doc.id, {
    status: 'POSTED',
    number,
    entryId: entry.id,
    exchangeRate: formatDecimal(rate),
    exchangeRateId: provenance.exchangeRateId,
    rateIsFallback: provenance.rateIsFallback,
    baseTotalMinor: translateAtRate(doc.totalMinor, rate, minorUnits, books.company.baseMinorUnits),
    postedBy: books.actor.userId,
    postedAt: new Date(),
  });
  const realized = of(invoice.id)?.realizedFxMinor ?? 0n;
  await recordAuditEvent(tx, books.actor, {
    action: 'document.posted',
    entityType: 'Document',
    entityId: doc.id,
    before: { status: 'DRAFT' },
    after: {
      status: 'POSTED',
      kind: doc.kind,
      number,
      entry: entry.number,
      credit: credit.number,
      invoice: invoice.number,
      amount: formatMoney(doc.totalMinor, minorUnits),
      currency: doc.currency,
      exchangeRate: formatDecimal(rate),
      ...(realized !== 0n ? { realizedFx: formatMoney(realized, books.company.baseMinorUnits) } : {}),
    },
  });
  return posted;
}
