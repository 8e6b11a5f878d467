import type { PostingLane } from '@cifra/db';
import type { IsoDate } from '@cifra/domain';
import { type HoldAhead, holdAhead, type TenantTx } from '@cifra/engine';
import { clientFxOf } from '@cifra/fx';
import type { CreditApplication } from '../documents/apply-credit.ts';
import {
  type ApplicationsPlan,
  askApplicationReads,
  planApplications,
  stageApplications,
} from '../documents/apply-credit-each.ts';
import { askLaneReads, type DraftAs, type SettlingReadsAsked } from '../documents/group-store.ts';
import { type DocumentPosting, stageDocuments, unknownIds } from '../documents/post-each.ts';
import { type Outcome, type Own, type Pass, postStaged, type Staged } from '../documents/staged.ts';
import type { WriteOffRequest } from '../write-offs/write-off.ts';
import { draftWriteOffs } from '../write-offs/write-offs-each.ts';
import type { Books } from './books.ts';
import { askManualReads, type ManualEntry, stageManualEntries } from './manual-each.ts';

/** One posting the books' lane takes: a manual entry, a document's posting, a credit application or a write-off. */
export type BooksPosting =
  | { manual: ManualEntry }
  | { document: DocumentPosting }
  | { application: CreditApplication }
  | { writeOff: WriteOffRequest };

/**
 * The one lane of a client's group commit for every kind the ledger posts concurrently
 * (docs/architecture/posting.md, "One lane for every kind"): `postJournalEntry`, `postDocument`,
 * `applyCredit` and `writeOffBadDebt` hand it their postings.
 */
export const BOOKS_LANE: PostingLane<BooksPosting> = { postEach: postBooksEach };

/**
 * The group's postings of every kind, read and checked kind by kind, then written together: a mix
 * of kinds pays one lane's statements, not one lane's per kind. In turn, each pass reading what the
 * one before has locked or drafted: the write-offs are drafted (`draftWriteOffs`); the documents —
 * those drafts first — are read, locked and checked (`stageDocuments`); then the credit
 * applications (`stageApplications`) and the manual entries' lines (`stageManualEntries`). Nothing
 * of these passes is posted before the last, so a later pass cannot see what an earlier one will
 * post: each adds what it posts, settles or uses to `claimed`, and a later posting that touches any
 * of it is handed back, to run after the group and see it. A pass's reads ride with the round trip
 * of the pass before it (`ride`, docs/architecture/posting.md, "Riders"): the manual entries' and
 * the documents' with the first; the periods' gates and keys of everything staged, then the
 * applications' reads, with the documents' lock. Then one write for them all (`postStaged`): one
 * call for every entry, the manual ones first, one for every document (which inserts the rows the
 * group drafted — its write-offs and applications — whose entries posted).
 */
export async function postBooksEach(
  tx: TenantTx,
  postings: readonly Own<BooksPosting>[],
): Promise<Outcome[]> {
  const outcomes: Outcome[] = postings.map(() => undefined);
  const first = postings.flatMap(({ request: r }) => ('manual' in r ? [] : [booksOf(r)]))[0];
  const share = first ? controlReadsOnce(first) : (books: Books) => books;
  const pick = <R extends { books: Books }>(of: (r: BooksPosting) => R | undefined) =>
    kindOf(postings, of, (r) => ({ ...r, books: share(r.books) }));
  const manual = kindOf(
    postings,
    (r) => ('manual' in r ? r.manual : undefined),
    (r) => r,
  );
  const writeOffs = pick((r) => ('writeOff' in r ? r.writeOff : undefined));
  const documents = pick((r) => ('document' in r ? r.document : undefined));
  const applications = pick((r) => ('application' in r ? r.application : undefined));
  const staged: Staged[] = [];
  const take = (pass: Pass, at: readonly number[]) => {
    pass.outcomes.forEach((o, k) => {
      if (o) outcomes[at[k] as number] = o;
    });
    staged.push(...pass.staged.map((s) => ({ ...s, at: at[s.at] as number })));
  };

  // Asked first, to ride with the group's first round trip (the write-offs' lock when it has some).
  const manualReads = manual.items.length > 0 ? askManualReads(tx, manual.items) : undefined;
  const asked =
    documents.items.length + writeOffs.items.length > 0 && first
      ? askLaneReads(tx, unknownIds(documents.items), clientFxOf(first.company))
      : undefined;
  const claimed = new Set<string>();
  // The write-offs drafted, then posted with the documents, ahead of them: what they settle is theirs.
  const drafted = writeOffs.items.length > 0 ? await draftWriteOffs(tx, writeOffs.items) : undefined;
  take({ outcomes: drafted?.outcomes ?? [], staged: [] }, writeOffs.at);
  const drafts = drafted?.drafts ?? [];
  // Once the documents' settlements are claimed (or with no documents, once the others are read):
  // the periods' gates and entries' keys of everything the group stages (the manual entries' as
  // asked, the credit applications' with the ids drawn for them), then the applications' reads,
  // both to ride with the documents' lock — the gates held first, as a lone posting holds them
  // before it locks what it settles. The group's write then needs no statement of its own for them.
  let ahead: HoldAhead | undefined;
  let applied: { plan: ApplicationsPlan; reads: SettlingReadsAsked } | undefined;
  const beforeLock = (dates: IsoDate[], keys: string[]) => {
    const plan = applications.items.length > 0 ? planApplications(applications.items, claimed) : undefined;
    const entries = manual.items.map((p) => p.request.request);
    ahead = holdAhead(
      tx,
      [...entries.map((e) => e.postingDate), ...dates, ...(plan?.entries.dates ?? [])],
      [...entries.flatMap((e) => e.idempotencyKey ?? []), ...keys, ...(plan?.entries.keys ?? [])],
    );
    if (plan) applied = { plan, reads: askApplicationReads(tx, plan) };
  };
  // The manual entries staged while the documents' lock is out (they need nothing of it), else once
  // the documents are; posted first, as they were given. Awaited below, where a failure is the lane's.
  let manualStaged: Promise<Pass> | undefined;
  const stageManual = () => {
    if (manualStaged || !manualReads) return;
    manualStaged = stageManualEntries(manual.items, manualReads);
    manualStaged.catch(() => undefined);
  };
  if (drafts.length + documents.items.length > 0) {
    const pass = await stageDocuments(tx, [...drafts.map((d) => d.draft), ...documents.items], claimed, {
      ...(drafted ? { known: drafted.known } : {}),
      ...(asked ? { asked } : {}),
      beforeLock,
      whileLocking: stageManual,
    });
    take(withDraftRows(pass, drafts), [...drafts.map((d) => writeOffs.at[d.at] as number), ...documents.at]);
  }
  if (!ahead) beforeLock([], []);
  if (applied)
    take(await stageApplications(applications.items, applied.plan, applied.reads), applications.at);
  stageManual();
  const documentsStaged = staged.splice(0);
  if (manualStaged) take(await manualStaged, manual.at);
  staged.push(...documentsStaged);

  const written = await postStaged(tx, staged, ahead);
  staged.forEach((s, k) => {
    outcomes[s.at] = written[k];
  });
  return outcomes;
}

/**
 * Books sharing the client's settings and each currency's minor units, asked of the control plane
 * once for the group (through `first`): all the group's postings are the same client's. Each
 * request's own books ask once per request, which inside the group's transaction would be one round
 * trip after another, posting by posting. The settings are asked at once, while the database reads
 * the group's drafts: every document's rate is decided with them (`decideOwnRate`), so a group of
 * documents waited for them after its reads.
 */
function controlReadsOnce(first: Books): (books: Books) => Books {
  const settings = first.settings();
  // Awaited by whoever needs them, who then sees a refusal; never an unhandled rejection meanwhile.
  settings.catch(() => undefined);
  const shared = () => settings;
  const units = new Map<string, Promise<number>>();
  const minorUnits = (currency: string, field?: string) => {
    let answer = units.get(currency);
    if (!answer) {
      answer = first.minorUnits(currency, field);
      units.set(currency, answer);
    }
    return answer;
  };
  return (books) => ({ ...books, settings: shared, minorUnits });
}

/**
 * `pass`, the first of whose postings are the write-offs the group drafted (`drafts`): each staged
 * one given its row, which the call that posts it inserts first. One the pass refused or handed back
 * had nothing written: its refusal is its own, or it runs after the group.
 */
function withDraftRows(pass: Pass, drafts: readonly { row: DraftAs }[]): Pass {
  drafts.forEach(({ row }, k) => {
    const staged = pass.staged.find((s) => s.at === k);
    if (staged) staged.draft = row;
  });
  return pass;
}

/** The books a posting of a document kind carries. */
const booksOf = (r: Exclude<BooksPosting, { manual: ManualEntry }>): Books =>
  'document' in r ? r.document.books : 'application' in r ? r.application.books : r.writeOff.books;

/** The postings of one kind (`of`), mapped (`map`), with their indexes among all the group's. */
function kindOf<R, T>(
  postings: readonly Own<BooksPosting>[],
  of: (r: BooksPosting) => R | undefined,
  map: (r: R) => T,
): { at: number[]; items: Own<T>[] } {
  const at: number[] = [];
  const items: Own<T>[] = [];
  postings.forEach(({ actor, request }, i) => {
    const r = of(request);
    if (r === undefined) return;
    at.push(i);
    items.push({ actor, request: map(r) });
  });
  return { at, items };
}
