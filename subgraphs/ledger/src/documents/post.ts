import { inPostingGroup, inTransaction, recordAuditEvent } from '@cifra/db';
import { badInput, type Decimal, decimalOf, formatDecimal, translateAtRate } from '@cifra/domain';
import { nextNumber, postEntry, type TenantTx } from '@cifra/engine';
import { clientFxOf, rateForDocument, type UsedRate } from '@cifra/fx';
import { requireLegalDetails } from '../legal/index.ts';
import type { Books } from '../services/books.ts';
import { documentLinesForGl } from './gl-lines.ts';
import {
  type Family,
  isInvoiceLike,
  isRefund,
  KINDS,
  requireDraft,
  requireFamily,
  requirePermission,
} from './kinds.ts';
import { DOCUMENT_LANE } from './post-each.ts';
import { documentEntryKey, OPERATION, postedEvent } from './posted-event.ts';
import { invoiceProvenance, type Provenance } from './rates.ts';
import { checkCredit, checkSettlement, creditAsOpenItem } from './settlement.ts';
import {
  type DocumentRow,
  documentLines,
  draftAllocations,
  insertAllocations,
  loadParty,
  lockDocument,
  lockInvoices,
  roleAccounts,
  settledMinor,
  taxCodes,
  updateDocument,
} from './store.ts';
import { smallDifferences } from './tolerance.ts';
import { type TranslatedDocument, translateDocument } from './translate.ts';

type Allocation = { invoiceId: string; amountMinor: bigint };
export type OwnRate = { rate: Decimal; provenance: Provenance; used: UsedRate | null };

/**
 * What the document settles, with those invoices (or, for a refund, credits) locked in id order,
 * then checked again against what is open now: a note its invoice (as much as is open; the rest
 * becomes a credit), a receipt or payment its proposed allocations, a refund the credits it pays
 * back. `invoices` holds a refund's credits as open items (`creditAsOpenItem`).
 */
async function lockSettlements(tx: TenantTx, doc: DocumentRow, minorUnits: number) {
  const spec = KINDS[doc.kind];
  const party = await loadParty(tx, doc.partyId, spec.partyKind, spec.family === 'WRITE_OFF');
  const drafted: Allocation[] = isInvoiceLike(doc.kind)
    ? doc.appliesToId
      ? [{ invoiceId: doc.appliesToId, amountMinor: doc.totalMinor }]
      : []
    : await draftAllocations(tx, doc.id);
  const locked = await lockInvoices(tx, drafted.map((a) => a.invoiceId).sort());
  const invoices = new Map(locked);
  const proposed: Allocation[] = [];
  for (const [i, a] of drafted.entries()) {
    const field = doc.appliesToId ? 'appliesToId' : `allocations[${i}].invoiceId`;
    const target = locked.get(a.invoiceId);
    if (isRefund(doc.kind)) {
      await checkCredit(
        tx,
        party,
        doc.currency,
        target,
        a.amountMinor,
        { field, postingDate: doc.postingDate },
        minorUnits,
      );
      invoices.set(a.invoiceId, creditAsOpenItem(target as DocumentRow));
      proposed.push(a);
      continue;
    }
    // A note settles what is open of its invoice and leaves the rest on account.
    const open = isInvoiceLike(doc.kind) && target ? await openOf(tx, target) : a.amountMinor;
    // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.min does not take.
    const amountMinor = a.amountMinor < open ? a.amountMinor : open;
    await checkSettlement(
      tx,
      spec,
      party,
      doc.currency,
      target,
      amountMinor,
      { field, postingDate: doc.postingDate },
      minorUnits,
    );
    if (amountMinor > 0n) proposed.push({ invoiceId: a.invoiceId, amountMinor });
  }
  const allocated = proposed.reduce((sum, a) => sum + a.amountMinor, 0n);
  const creditMinor = spec.credit === 'LEAVES' ? doc.totalMinor - allocated : 0n;
  return { proposed, invoices, creditMinor };
}

/** What is open of an invoice now (its total less what live documents settle), never negative. */
async function openOf(tx: TenantTx, invoice: DocumentRow): Promise<bigint> {
  const open = invoice.totalMinor - ((await settledMinor(tx, [invoice.id])).get(invoice.id) ?? 0n);
  return open > 0n ? open : 0n;
}

/** The document's own rate, decided now: a note keeps its invoice's rate and cites the same row. */
async function decideOwnRate(
  tx: TenantTx,
  books: Books,
  doc: DocumentRow,
  corrected: DocumentRow | undefined,
): Promise<OwnRate> {
  const { baseCurrency } = books.company;
  if (corrected) {
    return {
      rate: decimalOf(corrected.exchangeRate ?? '1'),
      provenance: invoiceProvenance(corrected, baseCurrency),
      used: null,
    };
  }
  const settings = await books.settings();
  const used = await rateForDocument(tx, clientFxOf(books.company), {
    currency: doc.currency,
    documentDate: doc.documentDate,
    stalenessDays: settings.fxStalenessDays,
    explicit: doc.currency !== baseCurrency && doc.exchangeRate ? decimalOf(doc.exchangeRate) : null,
    actor: books.actor,
    documentLabel: `${doc.kind.toLowerCase().replace('_', ' ')} ${doc.id}`,
  });
  return {
    rate: used.rate,
    provenance: { exchangeRateId: used.exchangeRateId, rateIsFallback: used.isFallback },
    used,
  };
}

/** The document's entry in base currency: its GL lines by kind, translated at entry. */
async function translatedLines(
  tx: TenantTx,
  books: Books,
  doc: DocumentRow,
  settlement: { proposed: Allocation[]; invoices: Map<string, DocumentRow>; creditMinor: bigint },
  own: OwnRate,
  minorUnits: number,
  differences: ReadonlyMap<string, bigint>,
): Promise<TranslatedDocument> {
  const lines = await documentLines(tx, doc.id);
  const taxes = await taxCodes(tx);
  const roles = await roleAccounts(tx);
  const { proposed, invoices } = settlement;
  const drafts = documentLinesForGl(doc, lines, taxes, roles, proposed, invoices, differences);
  return translateDocument(tx, books, doc, drafts, own, invoices, roles, minorUnits);
}

/**
 * Post a draft: its rate is decided (translation at entry: the rate in force on its document date,
 * a typed rate, the peg, or for a note its invoice's rate), its entry goes to the GL through the
 * engine (period check by the document's kind, balance, journal number) with FX provenance on every
 * translated line and any realized exchange difference, then it takes its own gapless number for
 * its type and fiscal year and its allocations become facts, all in one transaction: a refusal
 * anywhere (RATE_NOT_AVAILABLE included) writes nothing and burns no number. Posting a posted
 * document again returns it.
 */
export async function postDocument(books: Books, id: string, family: Family): Promise<DocumentRow> {
  const work = async (tx: TenantTx) => {
    const doc = await lockDocument(tx, id);
    requireFamily(doc, family, OPERATION[family]);
    requirePermission(books, KINDS[doc.kind].post);
    if (doc.status === 'POSTED') return doc;
    requireDraft(doc, 'posted');
    return postLockedDraft(tx, books, doc);
  };
  // Receipts, payments and refunds have no lane: a group would only lock and read them to hand them
  // back once it has committed (posting-group.ts). They go straight to a transaction of their own
  // (docs/architecture/posting.md, "Group commit").
  if (family === 'PAYMENT') return inTransaction(books.db, books.actor, work);
  // Group commit: in one transaction with the other postings of this client waiting now.
  // Plain invoices of one group are posted together (post-each.ts), each checked on its own.
  return inPostingGroup(books.db, books.actor, work, { lane: DOCUMENT_LANE, request: { books, id, family } });
}

/**
 * The posting itself, in the caller's transaction, of a draft it has locked and checked (family,
 * permission, status): `postDocument` above, and a write-off drafted and posted in one go.
 */
export async function postLockedDraft(tx: TenantTx, books: Books, doc: DocumentRow): Promise<DocumentRow> {
  const id = doc.id;
  if (doc.totalMinor === 0n) throw badInput(`${doc.kind} has nothing to post: its total is zero`, { id });
  // Seed 001: legal details must be right before the first live issuance of a sales document.
  if (KINDS[doc.kind].family === 'SALES') await requireLegalDetails(tx);

  const minorUnits = await books.minorUnits(doc.currency);
  const settlement = await lockSettlements(tx, doc, minorUnits);
  const corrected =
    isInvoiceLike(doc.kind) && doc.appliesToId ? settlement.invoices.get(doc.appliesToId) : undefined;
  const own = await decideOwnRate(tx, books, doc, corrected);
  const differences = await smallDifferences(tx, books, doc, settlement, own.rate, minorUnits);
  const translated = await translatedLines(tx, books, doc, settlement, own, minorUnits, differences);
  const entry = await postEntry(tx, books.actor, {
    kind: doc.kind,
    postingDate: doc.postingDate,
    memo: doc.memo || `${doc.kind} ${doc.reference ?? ''}`.trim(),
    sourceId: doc.id,
    idempotencyKey: documentEntryKey(doc.id),
    lines: translated.lines,
  });
  const number = await nextNumber(tx, doc.kind, entry.fiscalYear);
  await insertAllocations(
    tx,
    settlement.proposed.map((a) => {
      const difference = differences.get(a.invoiceId) ?? 0n;
      return {
        sourceDocumentId: doc.id,
        invoiceId: a.invoiceId,
        amountMinor: a.amountMinor + difference,
        smallDifferenceMinor: difference,
        baseAmountMinor: translated.settled.get(a.invoiceId)?.baseAmountMinor ?? null,
        realizedFxMinor: translated.settled.get(a.invoiceId)?.realizedFxMinor ?? 0n,
      };
    }),
  );
  const posted = await updateDocument(tx, id, {
    status: 'POSTED',
    number,
    entryId: entry.id,
    exchangeRate: formatDecimal(own.rate),
    exchangeRateId: own.provenance.exchangeRateId,
    rateIsFallback: own.provenance.rateIsFallback,
    baseTotalMinor: translateAtRate(doc.totalMinor, own.rate, minorUnits, books.company.baseMinorUnits),
    // The credit's base is exactly what its party line carries: the credit at the document's rate.
    creditMinor: settlement.creditMinor,
    creditBaseMinor: translateAtRate(
      settlement.creditMinor,
      own.rate,
      minorUnits,
      books.company.baseMinorUnits,
    ),
    postedBy: books.actor.userId,
    postedAt: new Date(),
  });
  await recordAuditEvent(
    tx,
    books.actor,
    postedEvent(
      books,
      doc,
      { number, entryNumber: entry.number, minorUnits, corrected, creditMinor: settlement.creditMinor },
      own,
      translated,
      settlement.proposed,
      differences,
    ),
  );
  return posted;
}
