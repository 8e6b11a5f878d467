import type { Actor, LanePosting, PostingOutcome } from '@cifra/db';
import {
  type EntryAhead,
  type HoldAhead,
  heldFor,
  type PostingRequest,
  sendEntriesEach,
  type TenantTx,
} from '@cifra/engine';
import { type DraftAs, documentsCall, type PostedDocument, postDocumentsAs } from './group-store.ts';

/** What became of one posting of a group: answered, refused, or handed back (`undefined`). */
export type Outcome = PostingOutcome | undefined;

/** One posting of a group as the books' lane hands it to a pass: its author and request. */
export type Own<R> = LanePosting<R>;

/**
 * A posting of the group checked in memory and ready to write (books-lane.ts): its entry for the
 * engine and, for a document, what posts the document once that entry has posted.
 */
export interface Staged {
  /** Its index among the postings the pass was given. */
  at: number;
  actor: Actor;
  entry: PostingRequest;
  /** Its entry's idempotency hash, when made as it was staged (`idempotencyHashOf`). */
  hash?: string;
  /** A row the group inserts once the entry has posted (a credit application's, a write-off's). */
  draft?: DraftAs;
  /**
   * Its document's posting (number, allocations, row, event) given its entry, known before the entry
   * is written: the call posting the documents adds the entry's number to the event. None for a
   * manual entry.
   */
  document?: (entry: EntryAhead) => PostedDocument;
}

/** What one pass of the books' lane gives: an outcome or nothing per posting, and those staged. */
export interface Pass {
  outcomes: Outcome[];
  staged: Staged[];
}

/**
 * The group's staged postings written together, whatever their kinds: the periods' gates and the
 * entries' keys held in one statement (`ahead`'s, asked while the postings were staged, when it
 * covers them all), every entry posted by one call of `sendEntriesEach` (each refused alone:
 * period, balance, a key used before), then the rows a posting inserts after its entry and every
 * document's number, allocations, row and event by one call of `postDocumentsAs`. Which entries
 * post is decided before their call is sent, so the documents are staged and their call built while
 * the database writes the entries; it is sent once that call has answered.
 * Answers an outcome per staged posting, in order: an entry the engine leaves (a key asked twice)
 * is handed back; its row, if the group drafted it, is not inserted.
 */
export async function postStaged(
  tx: TenantTx,
  staged: readonly Staged[],
  ahead?: HoldAhead,
): Promise<Outcome[]> {
  if (staged.length === 0) return [];
  const held = heldFor(
    tx,
    staged.map((s) => s.entry.postingDate),
    staged.flatMap((s) => s.entry.idempotencyKey ?? []),
    ahead,
  );
  const entries = await sendEntriesEach(
    tx,
    staged.map((s) => ({ actor: s.actor, request: s.entry, hash: s.hash })),
    held,
  );
  const posted = staged.flatMap((s, k) => {
    const entry = entries.ahead[k];
    return entry && s.document ? [{ k, draft: s.draft, document: s.document(entry) }] : [];
  });
  // Only the rows of postings whose entries post are inserted, in the call that posts them all:
  // a refusal leaves nothing behind. Built while the database writes the entries; sent once it has.
  const call = documentsCall(
    posted.map((p) => p.document),
    new Date(),
    posted.flatMap((p) => p.draft ?? []),
  );
  const outcomes: Outcome[] = await entries.written;
  if (call) {
    const rows = await postDocumentsAs(tx, call);
    for (const p of posted) outcomes[p.k] = { ok: true, value: rows.get(p.document.id) };
  }
  return outcomes;
}
