import { inPostingGroup, recordAuditEvent } from '@cifra/db';
import { badInput, formatDecimal, translateAtRate } from '@cifra/domain';
import { nextNumber, postEntry, type TenantTx } from '@cifra/engine';
import { requireLegalDetails } from '../legal/index.ts';
import type { Books } from '../services/books.ts';
import { BOOKS_LANE } from '../services/books-lane.ts';
import { documentLinesForGl } from './gl-lines.ts';
import { linesInForce, lockSettledInvoices } from './group-store.ts';
import {
  type Family,
  isCorrection,
  isInvoiceLike,
  KINDS,
  requireDraft,
  requireFamily,
  requirePermission,
} from './kinds.ts';
import { documentEntry, OPERATION, postedEvent } from './posted-event.ts';
import { decideOwnRate, type OwnRate } from './rates.ts';
import { draftedSettlements, settleDrafted } from './settlement.ts';
import {
  clearedBaseFrom,
  type DocumentRow,
  draftAllocations,
  insertAllocations,
  loadParty,
  lockDocument,
  roleAccounts,
  taxCodes,
  updateDocument,
} from './store.ts';
import { requireTaxInForce } from './tax-in-force.ts';
import { smallDifferences, toleranceFor } from './tolerance.ts';
import { type SettledState, type TranslatedDocument, translateDocument } from './translate.ts';

type Allocation = { invoiceId: string; amountMinor: bigint };

type Settlement = {
  proposed: Allocation[];
  invoices: Map<string, DocumentRow>;
  creditMinor: bigint;
  state: SettledState;
};

/**
 * What the document settles, with those invoices (or, for a refund, credits) locked in id order and
 * what settles them read after the lock (`lockSettledInvoices`), then checked against what is open
 * now: a note its invoice (as much as is open; the rest becomes a credit), a receipt or payment its
 * proposed allocations (`settleDrafted`), a refund the credits it pays back. `invoices` holds a
 * refund's credits as open items (`creditAsOpenItem`); `state` what settles each and the base it
 * cleared, for the translation.
 */
async function lockSettlements(
  tx: TenantTx,
  doc: DocumentRow,
  minorUnits: number,
  baseMinorUnits: number,
): Promise<Settlement> {
  const spec = KINDS[doc.kind];
  const party = await loadParty(tx, doc.partyId, spec.partyKind, spec.family === 'WRITE_OFF');
  const drafted = draftedSettlements(doc, isInvoiceLike(doc.kind) ? [] : await draftAllocations(tx, doc.id));
  const locked = await lockSettledInvoices(tx, drafted.map((a) => a.invoiceId).sort());
  const { proposed, creditMinor, invoices } = settleDrafted(doc, party, drafted, locked, minorUnits);
  const cleared = clearedBaseFrom(locked.live, [...invoices.values()], minorUnits, baseMinorUnits);
  return { proposed, invoices, creditMinor, state: { settled: locked.settled, cleared } };
}

/** The document's entry in base currency: its GL lines by kind, translated at entry. */
async function translatedLines(
  tx: TenantTx,
  books: Books,
  doc: DocumentRow,
  settlement: Settlement,
  own: OwnRate,
  minorUnits: number,
  differences: ReadonlyMap<string, bigint>,
): Promise<TranslatedDocument> {
  const lines = await linesInForce(tx, doc.id);
  requireTaxInForce(doc, lines, minorUnits);
  const taxes = await taxCodes(tx);
  const roles = await roleAccounts(tx);
  const { proposed, invoices } = settlement;
  const drafts = documentLinesForGl(doc, lines, taxes, roles, proposed, invoices, differences);
  return translateDocument(books, doc, drafts, own, invoices, roles, minorUnits, settlement.state);
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
  // Group commit: in one transaction with the other postings of this client waiting now. The
  // group's invoices, notes, receipts, payments and refunds are posted together by the books' lane
  // (books-lane.ts, post-each.ts), each checked on its own; it hands the others back to run alone.
  return inPostingGroup(books.db, books.actor, work, {
    lane: BOOKS_LANE,
    request: { document: { books, id, family } },
  });
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
  const { baseMinorUnits } = books.company;
  const settlement = await lockSettlements(tx, doc, minorUnits, baseMinorUnits);
  const corrected = isCorrection(doc) ? settlement.invoices.get(doc.appliesToId as string) : undefined;
  const own = await decideOwnRate(tx, books, doc, corrected);
  const differences = smallDifferences(
    doc,
    settlement,
    settlement.state.settled,
    own.rate,
    minorUnits,
    baseMinorUnits,
    await toleranceFor(books, doc),
  );
  const translated = await translatedLines(tx, books, doc, settlement, own, minorUnits, differences);
  const entry = await postEntry(tx, books.actor, documentEntry(doc, translated.lines));
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
    baseTotalMinor: translateAtRate(doc.totalMinor, own.rate, minorUnits, baseMinorUnits),
    // The credit's base is exactly what its party line carries: the credit at the document's rate.
    creditMinor: settlement.creditMinor,
    creditBaseMinor: translateAtRate(settlement.creditMinor, own.rate, minorUnits, baseMinorUnits),
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
