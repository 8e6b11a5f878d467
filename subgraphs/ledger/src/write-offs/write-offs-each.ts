import { randomUUID } from 'node:crypto';
import { periodRefusal, type TenantTx } from '@cifra/engine';
import { rateKey } from '@cifra/fx';
import { keyClaim, unclaimed } from '../documents/claims.ts';
import { askSettlingReads, type DraftAs, draftRowOf, type KnownDrafts } from '../documents/group-store.ts';
import { KINDS } from '../documents/kinds.ts';
import type { DocumentPosting } from '../documents/post-each.ts';
import { pegOf, rateIsReadOnly, ratesInForceFor, requireRateInForce } from '../documents/rates.ts';
import type { Outcome, Own as OwnOf } from '../documents/staged.ts';
import { checkParty } from '../documents/store.ts';
import { checkWriteOff, type WriteOffRequest } from './write-off.ts';

type Own = OwnOf<WriteOffRequest>;

/**
 * The write-offs of one group commit, drafted together for the books' lane to post with the group's
 * documents (docs/architecture/posting.md, "Group commit"): their invoices are locked in id order
 * with what settles them (as a lone write-off locks its one), their parties, periods and the keys
 * already used read after the lock in the same round trip (`askSettlingReads`: with the documents'
 * reads the lane asked ahead, `askLaneReads`), then the rates
 * in force for foreign invoices (`ratesInForceFor`); each is checked in memory as `writeOffBadDebt`
 * checks it (`checkWriteOff`, its period, its rate) and refused alone. Those that pass are drafted
 * in memory (`draftRowOf`); answered: each one's draft, to post as `postLockedDraft` posts it (the
 * documents' pass, `stageDocuments`), and its row with its allocation, which the call that posts
 * the group's documents inserts first (`postDocumentsAs`, each version naming its author). A
 * write-off that pass refuses, or whose entry is refused, is refused alone and leaves nothing; one
 * it hands back runs after the group.
 *
 * Left undefined, for the group to run on its own once it has committed: a write-off of an invoice
 * that an earlier write-off of the group writes off, one asked again under a key of the group or
 * whose key a document has taken meanwhile, and one whose posting records a rate row (a rate typed,
 * or a pegged pair's first row).
 */
export async function draftWriteOffs(
  tx: TenantTx,
  postings: readonly Own[],
): Promise<{
  outcomes: Outcome[];
  /** Each write-off drafted: its posting of the draft, and the row to insert (`row`). */
  drafts: { at: number; draft: OwnOf<DocumentPosting>; row: DraftAs }[];
  known: KnownDrafts;
}> {
  const outcomes: Outcome[] = postings.map(() => undefined);
  const mine = unclaimed(postings, ({ request: { input, idempotency } }) => [
    input.invoiceId,
    ...keyClaim(idempotency.key),
  ]);
  const ids = [...new Set(mine.map((i) => (postings[i] as Own).request.input.invoiceId))].sort();
  const keys = mine.flatMap((i) => (postings[i] as Own).request.idempotency.key ?? []);
  const dates = mine.map((i) => (postings[i] as Own).request.postingDate);
  const {
    locked: settlements,
    parties,
    taken,
    periods,
    booksStart,
  } = await askSettlingReads(tx, ids, keys, dates)();
  const rates = await ratesInForceFor(
    tx,
    (postings[0] as Own).request.books,
    mine.flatMap((i) => {
      const { input, documentDate } = (postings[i] as Own).request;
      const invoice = settlements.invoices.get(input.invoiceId);
      return invoice ? [{ currency: invoice.currency, date: documentDate }] : [];
    }),
  );
  const drafts: { at: number; draft: DraftAs }[] = [];
  for (const at of mine) {
    const { actor, request } = postings[at] as Own;
    if (request.idempotency.key && taken.has(request.idempotency.key)) continue;
    try {
      const partyKind = KINDS.BAD_DEBT_WRITE_OFF.partyKind;
      const checked = await checkWriteOff(request, settlements, (id) =>
        checkParty(parties.get(id), id, partyKind, true),
      );
      if (!rateIsReadOnly(request.books, { appliesToId: null, exchangeRate: null, ...checked.values }))
        continue;
      // Its period (and the books' start) checked before it is drafted, as its entry's will be (a refusal there would undo
      // the group's lane): the group holds the gates before its entries post, so a transition in
      // between refuses it there instead, and the group runs one by one.
      const refusal = periodRefusal(
        periods.get(request.postingDate),
        { kind: 'BAD_DEBT_WRITE_OFF', postingDate: request.postingDate },
        booksStart,
      );
      if (refusal) throw refusal;
      // Its rate too, for a foreign invoice: with none in force it is refused here, as its posting
      // would refuse it (RATE_NOT_AVAILABLE); a pegged pair's first row is for it to write alone.
      const { currency, documentDate } = checked.values;
      if (currency !== request.books.company.baseCurrency && !rates.has(rateKey(currency, documentDate))) {
        if (pegOf(request.books, currency) !== null) continue;
        await requireRateInForce(request.books, currency, documentDate, tx);
      }
      const values = { ...checked.values, id: randomUUID() };
      drafts.push({ at, draft: { values, actor, allocations: [checked.allocation] } });
    } catch (error) {
      outcomes[at] = { ok: false, error };
    }
  }
  const now = new Date();
  return {
    outcomes,
    // The drafts as they will be inserted, their parties and what they settle as locked here: the
    // documents' pass posts them without reading or locking any of it again, and the call that posts
    // them inserts them first.
    known: {
      docs: new Map(drafts.map(({ draft }) => [draft.values.id, draftRowOf(draft.values, now)])),
      allocations: new Map(drafts.map(({ draft }) => [draft.values.id, [...(draft.allocations ?? [])]])),
      parties,
      locked: settlements,
      rates,
    },
    drafts: drafts.map(({ at, draft }) => ({
      at,
      row: draft,
      draft: {
        actor: draft.actor,
        request: { books: (postings[at] as Own).request.books, id: draft.values.id, family: 'WRITE_OFF' },
      },
    })),
  };
}
