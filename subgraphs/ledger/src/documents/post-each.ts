import { type Actor, ridersAnswered } from '@cifra/db';
import { badInput, formatDecimal, type IsoDate, translateAtRate } from '@cifra/domain';
import { type EntryAhead, idempotencyHashOf, type PostingRequest, type TenantTx } from '@cifra/engine';
import { clientFxOf, type RateAnswer, rateKey, ratesFromRows } from '@cifra/fx';
import { legalDetailsRefusal, legalRowOf } from '../legal/index.ts';
import type { Books } from '../services/books.ts';
import { documentLinesForGl } from './gl-lines.ts';
import {
  askLaneReads,
  type KnownDrafts,
  type LaneReads,
  type LaneReadsAsked,
  type LockedSettlements,
  laneReads,
  lockSettledInvoices,
  mergeLocked,
  type PostedDocument,
} from './group-store.ts';
import { type Family, isCorrection, KINDS, requireDraft, requireFamily, requirePermission } from './kinds.ts';
import { documentEntry, documentEntryKey, OPERATION, postedEvent } from './posted-event.ts';
import { decideOwnRate, type OwnRate, pegOf, rateIsReadOnly } from './rates.ts';
import { draftedSettlements, settleDrafted } from './settlement.ts';
import type { Outcome, Own as OwnOf, Pass, Staged } from './staged.ts';
import { checkParty, clearedBaseFrom, type DocumentKind, type DocumentRow } from './store.ts';
import { requireTaxInForce } from './tax-in-force.ts';
import { smallDifferences, toleranceFor } from './tolerance.ts';
import { type TranslatedDocument, translateDocument } from './translate.ts';

/** What the books' lane gives the documents' pass besides its postings (`stageDocuments`). */
export interface StageOptions {
  /** The drafts an earlier pass made (the group's write-offs), taken as they are. */
  known?: KnownDrafts;
  /** The drafts' reads, asked ahead (`askLaneReads`, for the other postings' ids); else asked here. */
  asked?: LaneReadsAsked;
  /**
   * Told the dates and entry keys of the drafts read, once what they settle is claimed, just before
   * the round trip that locks it, which carries what this asks (`ride`).
   */
  beforeLock?: (dates: IsoDate[], keys: string[]) => void;
  /**
   * Called while the lock's round trip is out, once the drafts that need nothing of it are made
   * ready: the books' lane stages its manual entries then, instead of after the lock.
   */
  whileLocking?: () => void;
}

/** The ids of `postings` but for the `known` drafts', which are not inserted yet. */
export const unknownIds = (postings: readonly Own[], known?: KnownDrafts): string[] =>
  [...new Set(postings.map((p) => p.request.id))].filter((id) => !known?.docs.has(id)).sort();

/** One `postDocument` call of a group: the caller's books, the draft and the family it posts. */
export interface DocumentPosting {
  books: Books;
  id: string;
  family: Family;
}

type Own = OwnOf<DocumentPosting>;
type Allocation = { invoiceId: string; amountMinor: bigint };

/** A draft checked in memory, its entry ready for the engine. */
interface Ready {
  at: number;
  doc: DocumentRow;
  books: Books;
  actor: Actor;
  minorUnits: number;
  own: OwnRate;
  corrected: DocumentRow | undefined;
  proposed: Allocation[];
  differences: Map<string, bigint>;
  creditMinor: bigint;
  translated: TranslatedDocument;
  request: PostingRequest;
  /** The entry's idempotency hash, made with it: for a draft made ready while the lock is out, then. */
  hash: string | undefined;
}

/**
 * The kinds this pass posts: invoices, notes, receipts, vendor payments and refunds, and the
 * write-offs the group drafts (write-offs-each.ts). Credit applications have a pass of their own
 * (apply-credit-each.ts).
 */
const LANE_KINDS: ReadonlySet<DocumentKind> = new Set([
  'SALES_INVOICE',
  'PURCHASE_INVOICE',
  'CREDIT_NOTE',
  'DEBIT_NOTE',
  'CUSTOMER_RECEIPT',
  'VENDOR_PAYMENT',
  'CUSTOMER_REFUND',
  'VENDOR_REFUND',
  'BAD_DEBT_WRITE_OFF',
]);

/**
 * The documents of one group commit — invoices, notes, receipts, vendor payments, refunds, the
 * group's write-offs — read, locked and checked together in a constant number of statements
 * (docs/architecture/posting.md, "Group commit"), staged for the books' lane to write: the drafts are
 * locked and read in one round trip with their parties, lines, proposed allocations and the
 * client's setup (`laneReads`), then the invoices they settle are locked in id order with what
 * settles them now (`lockSettledInvoices`); each draft is checked in memory as `postDocument` checks
 * it (family, permission, status, total, legal details, party, each settlement), its rate decided as
 * `postDocument` decides it (the rates in force of the group's foreign currencies and pegs read with
 * the drafts, `latestRatesOfDocumentsSql`), and refused alone. Staged: its entry, and its document's
 * posting (number, allocations made facts, rate and credit, event) once that entry has posted. The
 * `known` drafts (the group's own write-offs) are taken as their pass drafted them, with the rates
 * it read, and what they settle as that pass locked it: none of it is read or locked again
 * (`KnownDrafts`).
 *
 * Left undefined, for the group to run on its own once it has committed: a document of another kind
 * (a credit application), one whose rate posting would write (typed on the document, or a pegged
 * pair's first row: `rateIsReadOnly`), one asked twice in the group, and one settling an invoice (or
 * using a credit) that `claimed` holds — an earlier posting of the group settles or uses it (or
 * would), or the group posts it itself (in turn, each sees what the one before did). What these
 * drafts settle, and the documents they are, are added to `claimed`.
 */
export async function stageDocuments(
  tx: TenantTx,
  postings: readonly Own[],
  claimed: Set<string>,
  { known, asked, beforeLock, whileLocking }: StageOptions = {},
): Promise<Pass> {
  const outcomes: Outcome[] = postings.map(() => undefined);
  const { books } = (postings[0] as Own).request;
  const reads = await laneReads(
    asked ?? askLaneReads(tx, unknownIds(postings, known), clientFxOf(books.company)),
    known,
  );
  // The currencies' minor units, asked of the control plane now, while the database works.
  for (const currency of new Set([...reads.docs.values()].map((d) => d.currency))) {
    books.minorUnits(currency).catch(() => undefined);
  }
  const drafts = claimSettlements(postings, screen(postings, reads, outcomes), reads, claimed);
  // The posting dates and entry keys of the drafts read, told once what they settle is claimed
  // (`beforeLock`: the books' lane asks its hold and its later passes' reads, which ride with the lock).
  const read = postings.flatMap((p) => {
    const doc = reads.docs.get(p.request.id);
    return doc?.status === 'DRAFT' ? [doc] : [];
  });
  beforeLock?.(
    read.map((d) => d.postingDate),
    read.map((d) => documentEntryKey(d.id)),
  );
  if (drafts.size === 0) return { outcomes, staged: [] };
  const invoiceIds = [...new Set([...drafts.values()].flat().map((a) => a.invoiceId))].sort();
  // After the drafts, what they settle (invoices, a refund's credits) is locked, as postDocument
  // locks it — but for what the known drafts settle, which their pass locked and read — while the
  // rates in force are decided from the rows read with the drafts (once the settings answer). A
  // handler is on each at once (each is awaited below, a failure is the lane's), so a refusal in
  // between is never an unhandled rejection.
  const locked = lockSettledInvoices(
    tx,
    invoiceIds.filter((id) => !known?.locked.invoices.has(id)),
  ).then((fresh) => (known ? mergeLocked(known.locked, fresh) : fresh));
  const rates = ratesOf(postings, drafts, reads, known);
  for (const p of [locked, rates]) p.catch(() => undefined);
  const ready = await prepare(tx, postings, drafts, reads, locked, await rates, outcomes, whileLocking);
  return { outcomes, staged: ready.map(staged) };
}

/**
 * The rates in force for the foreign-currency drafts that look theirs up: those read with the drafts
 * (`laneReads`), aged by the client's staleness setting (`ratesFromRows`), and the known drafts' as
 * their pass read them. A draft with none here has none in force: `decideOwnRate` refuses it (or,
 * pegged, `prepare` hands it back), as `lookupRate` would.
 */
async function ratesOf(
  postings: readonly Own[],
  drafts: ReadonlyMap<number, unknown>,
  reads: LaneReads,
  known: KnownDrafts | undefined,
): Promise<Map<string, RateAnswer>> {
  const { books } = (postings[0] as Own).request;
  const anyForeign = [...drafts.keys()]
    .map((i) => docOf(postings, reads, i))
    .some((d) => !isCorrection(d) && d.currency !== books.company.baseCurrency);
  if (!anyForeign) return new Map();
  const { fxStalenessDays } = await books.settings();
  return new Map([
    ...ratesFromRows(clientFxOf(books.company), reads.rates, fxStalenessDays),
    ...(known?.rates ?? []),
  ]);
}

const docOf = (postings: readonly Own[], reads: LaneReads, i: number) =>
  reads.docs.get((postings[i] as Own).request.id) as DocumentRow;

/**
 * The postings of drafts this pass posts, checked as `postDocument` checks them before posting:
 * a posted document is answered as it stands, a refusal is the posting's own.
 */
function screen(postings: readonly Own[], { docs }: LaneReads, outcomes: Outcome[]): number[] {
  const seen = new Set<string>();
  const drafts: number[] = [];
  postings.forEach(({ request: { books, id, family } }, i) => {
    const doc = docs.get(id);
    if (!doc || seen.has(id)) return; // alone: NOT_FOUND, or after the first with this id
    seen.add(id);
    try {
      requireFamily(doc, family, OPERATION[family]);
      requirePermission(books, KINDS[doc.kind].post);
      if (doc.status === 'POSTED') {
        outcomes[i] = { ok: true, value: doc };
        return;
      }
      requireDraft(doc, 'posted');
      if (!LANE_KINDS.has(doc.kind) || !rateIsReadOnly(books, doc)) return;
      if (doc.totalMinor === 0n) throw badInput(`${doc.kind} has nothing to post: its total is zero`, { id });
      drafts.push(i);
    } catch (error) {
      outcomes[i] = { ok: false, error };
    }
  });
  return drafts;
}

/**
 * What each draft settles (invoices, or a refund's credits), by posting. A draft that settles one
 * the group posts itself, or one an earlier draft settles or would have settled, is left out: its
 * posting runs after the group and sees it. So no draft of the group overtakes an earlier one it
 * could conflict with.
 */
function claimSettlements(
  postings: readonly Own[],
  drafts: readonly number[],
  reads: LaneReads,
  claimed: Set<string>,
): Map<number, Allocation[]> {
  const out = new Map<number, Allocation[]>();
  for (const i of drafts) {
    const doc = docOf(postings, reads, i);
    const drafted = draftedSettlements(doc, reads.allocations.get(doc.id) ?? []);
    const clash = drafted.some((a) => claimed.has(a.invoiceId) || reads.docs.has(a.invoiceId));
    for (const a of drafted) claimed.add(a.invoiceId);
    if (!clash) out.set(i, drafted);
  }
  for (const id of reads.docs.keys()) claimed.add(id);
  return out;
}

/**
 * The drafts' entries, in memory, in order: a draft refused here (legal details, party,
 * settlements) is refused alone. Those that settle and correct nothing (invoices, bills, a receipt
 * on account) need nothing of `locked`: they are made ready while its round trip is still out —
 * those whose rate is known without a query (`asksNothing`), so that nothing is asked of the
 * connection while the lock is on it.
 */
async function prepare(
  tx: TenantTx,
  postings: readonly Own[],
  drafts: ReadonlyMap<number, Allocation[]>,
  reads: LaneReads,
  locked: Promise<LockedSettlements>,
  rates: ReadonlyMap<string, RateAnswer>,
  outcomes: Outcome[],
  whileLocking?: () => void,
): Promise<Ready[]> {
  // The legal details' refusal, kept for the sales drafts (null: complete).
  const legal = legalDetailsRefusal(reads.company && legalRowOf(reads.company));
  const readyAt = async (i: number, drafted: readonly Allocation[], settling: LockedSettlements) => {
    try {
      const doc = docOf(postings, reads, i);
      if (legal && KINDS[doc.kind].family === 'SALES') throw legal;
      const { books } = (postings[i] as Own).request;
      const inForce = rates.get(rateKey(doc.currency, doc.documentDate));
      // A pegged pair without a PEG row yet would record one: alone, after the group.
      if (!inForce && !isCorrection(doc) && pegOf(books, doc.currency) !== null) return undefined;
      return await readyOf(tx, postings[i] as Own, doc, drafted, reads, settling, inForce, i);
    } catch (error) {
      outcomes[i] = { ok: false, error };
      return undefined;
    }
  };
  const early = new Map<number, Ready | undefined>();
  for (const [i, drafted] of drafts) {
    const doc = docOf(postings, reads, i);
    if (drafted.length === 0 && !isCorrection(doc) && asksNothing(postings[i] as Own, doc, rates))
      early.set(i, await readyAt(i, drafted, nothingLocked()));
  }
  whileLocking?.();
  const settling = await locked;
  // The others may ask the connection (a rate looked up): not while riders sent alone are out.
  if (drafts.size > early.size) await ridersAnswered(tx);
  const ready: Ready[] = [];
  for (const [i, drafted] of drafts) {
    const r = early.has(i) ? early.get(i) : await readyAt(i, drafted, settling);
    if (r) ready.push(r);
  }
  return ready;
}

/**
 * Whether deciding the draft's rate asks the database nothing (`decideOwnRate`): the base
 * currency, or a rate in force already read with its row (a foreign currency without one is looked
 * up, and refused).
 */
const asksNothing = ({ request: { books } }: Own, doc: DocumentRow, rates: ReadonlyMap<string, RateAnswer>) =>
  doc.currency === books.company.baseCurrency ||
  (rates.get(rateKey(doc.currency, doc.documentDate))?.id ?? null) !== null;

/** What a draft that settles and corrects nothing is made ready against: no invoice locked. */
const nothingLocked = (): LockedSettlements => ({
  invoices: new Map(),
  live: [],
  settled: new Map(),
  voided: new Set(),
});

/**
 * One draft's entry and settlements, as `postLockedDraft` makes them: its party, what it settles of
 * the invoices locked (`settleDrafted`), its rate (a note its invoice's, a foreign currency's in
 * force), the small differences its tolerance closes, its GL lines translated. With what settles
 * each invoice and the rate in force given, nothing here asks the database (a foreign currency with
 * no rate in force asks `lookupRate`, which refuses it).
 */
async function readyOf(
  tx: TenantTx,
  { actor, request: { books } }: Own,
  doc: DocumentRow,
  drafted: readonly Allocation[],
  { parties, lines, taxes, roles }: LaneReads,
  locked: LockedSettlements,
  inForce: RateAnswer | undefined,
  at: number,
): Promise<Ready> {
  // A write-off's party may be inactive (as `lockSettlements` loads it).
  const spec = KINDS[doc.kind];
  const party = checkParty(
    parties.get(doc.partyId),
    doc.partyId,
    spec.partyKind,
    spec.family === 'WRITE_OFF',
  );
  const minorUnits = await books.minorUnits(doc.currency);
  requireTaxInForce(doc, lines.get(doc.id) ?? [], minorUnits);
  const { baseMinorUnits } = books.company;
  // What it settles: invoices, or a refund's credits as open items.
  const { proposed, creditMinor, invoices } = settleDrafted(doc, party, drafted, locked, minorUnits);
  const corrected = isCorrection(doc) ? invoices.get(doc.appliesToId as string) : undefined;
  // As postDocument decides it (rateIsReadOnly: no row written), the rate in force already read.
  const own = await decideOwnRate(tx, books, doc, corrected, inForce);
  const tolerance = await toleranceFor(books, doc);
  const differences = smallDifferences(
    doc,
    { proposed, invoices },
    locked.settled,
    own.rate,
    minorUnits,
    baseMinorUnits,
    tolerance,
  );
  const gl = documentLinesForGl(doc, lines.get(doc.id) ?? [], taxes, roles, proposed, invoices, differences);
  const settled = proposed.map((a) => invoices.get(a.invoiceId) as DocumentRow);
  const state = {
    settled: locked.settled,
    cleared: clearedBaseFrom(locked.live, settled, minorUnits, baseMinorUnits),
  };
  const translated = await translateDocument(books, doc, gl, own, invoices, roles, minorUnits, state);
  const request = documentEntry(doc, translated.lines);
  return {
    at,
    doc,
    books,
    actor,
    minorUnits,
    own,
    corrected,
    proposed,
    differences,
    creditMinor,
    translated,
    request,
    hash: idempotencyHashOf(request),
  };
}

/** A ready draft staged: its entry, then its document's posting given that entry (before it is written). */
function staged(r: Ready): Staged {
  const base = (minor: bigint) =>
    translateAtRate(minor, r.own.rate, r.minorUnits, r.books.company.baseMinorUnits);
  const document = (entry: EntryAhead): PostedDocument => ({
    id: r.doc.id,
    kind: r.doc.kind,
    fiscalYear: entry.fiscalYear,
    entryId: entry.id,
    exchangeRate: formatDecimal(r.own.rate),
    exchangeRateId: r.own.provenance.exchangeRateId,
    rateIsFallback: r.own.provenance.rateIsFallback,
    baseTotalMinor: base(r.doc.totalMinor),
    // The credit's base is exactly what its party line carries: the credit at the document's rate.
    creditMinor: r.creditMinor,
    creditBaseMinor: base(r.creditMinor),
    allocations: r.proposed.map((a) => {
      const difference = r.differences.get(a.invoiceId) ?? 0n;
      const settled = r.translated.settled.get(a.invoiceId);
      return {
        invoiceId: a.invoiceId,
        amountMinor: a.amountMinor + difference,
        smallDifferenceMinor: difference,
        baseAmountMinor: settled?.baseAmountMinor ?? null,
        realizedFxMinor: settled?.realizedFxMinor ?? 0n,
      };
    }),
    actor: r.actor,
    event: postedEvent(
      r.books,
      r.doc,
      // The document's own number is taken in the same call, which puts it and its entry's in the event.
      {
        number: '',
        entryNumber: '',
        minorUnits: r.minorUnits,
        corrected: r.corrected,
        creditMinor: r.creditMinor,
      },
      r.own,
      r.translated,
      r.proposed,
      r.differences,
    ),
  });
  return { at: r.at, actor: r.actor, entry: r.request, hash: r.hash, document };
}
