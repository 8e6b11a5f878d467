import type { Actor, PostingLane } from '@cifra/db';
import { badInput, decimalOf, formatDecimal, translateAtRate } from '@cifra/domain';
import {
  type HeldPeriods,
  holdPeriodsAndKeys,
  type PostingRequest,
  postEntriesEach,
  type TenantTx,
} from '@cifra/engine';
import { legalDetailsRefusal, legalRowOf } from '../legal/index.ts';
import type { Books } from '../services/books.ts';
import { documentLinesForGl } from './gl-lines.ts';
import { type Family, KINDS, requireDraft, requireFamily, requirePermission } from './kinds.ts';
import type { OwnRate } from './post.ts';
import { documentEntryKey, OPERATION, postedEvent } from './posted-event.ts';
import { NO_PROVENANCE } from './rates.ts';
import {
  checkParty,
  type DocumentLineRow,
  type DocumentRow,
  type LaneReads,
  laneReads,
  postDocumentsAs,
  type TaxCodeRow,
} from './store.ts';
import { type TranslatedDocument, translateDocument } from './translate.ts';

/** One `postDocument` call of a group: the caller's books, the draft and the family it posts. */
export interface DocumentPosting {
  books: Books;
  id: string;
  family: Family;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
type Own = { actor: Actor; request: DocumentPosting };

/** A draft checked in memory, its entry ready for the engine. */
interface Ready {
  at: number;
  doc: DocumentRow;
  books: Books;
  actor: Actor;
  minorUnits: number;
  translated: TranslatedDocument;
  request: PostingRequest;
}

/** The lane `postDocument` hands to the group commit. */
export const DOCUMENT_LANE: PostingLane<DocumentPosting> = { postEach: postDocumentsEach };

/** The kinds this lane posts: an invoice of the client's base currency correcting nothing. */
function isPlainInvoice(doc: DocumentRow, books: Books): boolean {
  return (
    (doc.kind === 'SALES_INVOICE' || doc.kind === 'PURCHASE_INVOICE') &&
    !doc.appliesToId &&
    doc.currency === books.company.baseCurrency
  );
}

const BASE_RATE: OwnRate = { rate: decimalOf('1'), provenance: NO_PROVENANCE, used: null };

/**
 * The plain invoices of one group commit, posted together in a constant number of statements
 * (docs/architecture/posting.md, "Group commit"): the drafts are locked and read in one round trip
 * with their parties, lines and the client's setup (`laneReads`), each is
 * checked in memory as `postDocument` checks it (family, permission, status, total, legal details,
 * party) and refused alone; their entries go to `postEntriesEach` (balance, period, idempotency,
 * journal numbers per author), then one call takes their own numbers, marks their rows and records
 * their events (`postDocumentsAs`). A document of another kind, currency or shape (notes, receipts, foreign currency), or one
 * asked twice in the group, is left undefined: the group runs it alone in its savepoint.
 */
export async function postDocumentsEach(tx: TenantTx, postings: readonly Own[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = postings.map(() => undefined);
  const ids = [...new Set(postings.map((p) => p.request.id))].sort();
  const reads = await laneReads(tx, ids);
  const { docs } = reads;
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
      if (!isPlainInvoice(doc, books)) return;
      if (doc.totalMinor === 0n) throw badInput(`${doc.kind} has nothing to post: its total is zero`, { id });
      drafts.push(i);
    } catch (error) {
      outcomes[i] = { ok: false, error };
    }
  });
  if (drafts.length === 0) return outcomes;
  // The periods' gates and the entries' keys, asked now: the database holds and reads them while
  // this process translates the drafts. A handler is on it at once (it is awaited below, a failure
  // is the lane's), so a refusal in between is never an unhandled rejection.
  const draftRows = drafts.map((i) => docs.get((postings[i] as Own).request.id) as DocumentRow);
  const held = holdPeriodsAndKeys(
    tx,
    draftRows.map((d) => d.postingDate),
    draftRows.map((d) => documentEntryKey(d.id)),
  );
  held.catch(() => undefined);
  const ready = await prepare(tx, postings, drafts, reads, outcomes);
  if (ready.length > 0) await postReady(tx, ready, outcomes, held);
  else await held;
  return outcomes;
}

/** The drafts' entries, in memory: a draft refused here (legal details, party, lines) is refused alone. */
async function prepare(
  tx: TenantTx,
  postings: readonly Own[],
  drafts: readonly number[],
  { docs, company, parties, lines, taxes, roles }: LaneReads,
  outcomes: Outcome[],
): Promise<Ready[]> {
  // The legal details' refusal, kept for the sales drafts (null: complete).
  const legal = legalDetailsRefusal(company && legalRowOf(company));
  const docOf = (i: number) => docs.get((postings[i] as Own).request.id) as DocumentRow;
  const ready: Ready[] = [];
  for (const i of drafts) {
    const { actor, request } = postings[i] as Own;
    const doc = docOf(i);
    try {
      if (legal && KINDS[doc.kind].family === 'SALES') throw legal;
      checkParty(parties.get(doc.partyId), doc.partyId, KINDS[doc.kind].partyKind);
      const minorUnits = await request.books.minorUnits(doc.currency);
      const translated = await translate(
        tx,
        request.books,
        doc,
        lines.get(doc.id) ?? [],
        taxes,
        roles,
        minorUnits,
      );
      ready.push({
        at: i,
        doc,
        books: request.books,
        actor,
        minorUnits,
        translated,
        request: entryOf(doc, translated),
      });
    } catch (error) {
      outcomes[i] = { ok: false, error };
    }
  }
  return ready;
}

/** A plain invoice's entry in base currency (no settlement, so no query: `translateDocument`). */
function translate(
  tx: TenantTx,
  books: Books,
  doc: DocumentRow,
  lines: readonly DocumentLineRow[],
  taxes: Map<string, TaxCodeRow>,
  roles: LaneReads['roles'],
  minorUnits: number,
): Promise<TranslatedDocument> {
  const drafts = documentLinesForGl(doc, lines, taxes, roles, [], new Map(), new Map());
  return translateDocument(tx, books, doc, drafts, BASE_RATE, new Map(), roles, minorUnits);
}

function entryOf(doc: DocumentRow, translated: TranslatedDocument): PostingRequest {
  return {
    kind: doc.kind,
    postingDate: doc.postingDate,
    memo: doc.memo || `${doc.kind} ${doc.reference ?? ''}`.trim(),
    sourceId: doc.id,
    idempotencyKey: documentEntryKey(doc.id),
    lines: translated.lines,
  };
}

/** Entries, then numbers, rows and events of the ready drafts: two calls for the group. */
async function postReady(
  tx: TenantTx,
  ready: readonly Ready[],
  outcomes: Outcome[],
  held: Promise<HeldPeriods>,
): Promise<void> {
  const entries = await postEntriesEach(
    tx,
    ready.map((r) => ({ actor: r.actor, request: r.request })),
    held,
  );
  const posted = ready.flatMap((r, k) => {
    const entry = entries[k];
    if (entry?.ok) return [{ ...r, entry: entry.value }];
    // An entry refused (period, balance) refuses its document; undefined cannot happen (keys differ).
    outcomes[r.at] = entry ?? { ok: false, error: new Error(`document ${r.doc.id}: entry not posted`) };
    return [];
  });
  if (posted.length === 0) return;
  const rows = await postDocumentsAs(
    tx,
    posted.map((p) => ({
      id: p.doc.id,
      kind: p.doc.kind,
      fiscalYear: p.entry.fiscalYear,
      entryId: p.entry.id,
      exchangeRate: formatDecimal(BASE_RATE.rate),
      baseTotalMinor: translateAtRate(
        p.doc.totalMinor,
        BASE_RATE.rate,
        p.minorUnits,
        p.books.company.baseMinorUnits,
      ),
      actor: p.actor,
      event: postedEvent(
        p.books,
        p.doc,
        // The document's own number is taken in the same call, which puts it in the event.
        {
          number: '',
          entryNumber: p.entry.number,
          minorUnits: p.minorUnits,
          corrected: undefined,
          creditMinor: 0n,
        },
        BASE_RATE,
        p.translated,
        [],
        new Map(),
      ),
    })),
    new Date(),
  );
  for (const p of posted) outcomes[p.at] = { ok: true, value: rows.get(p.doc.id) };
}
