import { randomUUID } from 'node:crypto';
import type { Actor, PostingLane } from '@cifra/db';
import type { TenantTx } from '@cifra/engine';
import { keyClaim, unclaimed } from '../documents/claims.ts';
import {
  type DraftAs,
  insertDraftsAs,
  lockSettledInvoices,
  settlingReads,
} from '../documents/group-store.ts';
import { KINDS } from '../documents/kinds.ts';
import { postDocumentsEach, sharingControlReads } from '../documents/post-each.ts';
import { rateIsReadOnly } from '../documents/rates.ts';
import { checkParty } from '../documents/store.ts';
import { checkWriteOff, type WriteOffRequest } from './write-off.ts';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
type Own = { actor: Actor; request: WriteOffRequest };

/** The lane `writeOffBadDebt` hands to the group commit. */
export const WRITE_OFF_LANE: PostingLane<WriteOffRequest> = { postEach: postWriteOffsEach };

/**
 * The write-offs of one group commit, posted together (docs/architecture/posting.md, "Group
 * commit"): their invoices are locked in id order with what settles them (`lockSettledInvoices`,
 * as a lone write-off locks its one), their parties and the keys already used read after; each is
 * checked in memory as `writeOffBadDebt` checks it (`checkWriteOff`) and refused alone. Those that
 * pass are drafted together (`insertDraftsAs`, with their allocations, each version naming its
 * author) and posted by the documents lane (`postDocumentsEach`), which posts a write-off's draft as
 * `postLockedDraft` does. That lane must post every one of them: the checks it repeats were just
 * passed under the same locks, so a refusal there (a closed period) or a draft handed back (a pegged
 * pair's first rate row) throws, and the group runs its postings one by one — a write-off refused
 * leaves no draft behind.
 *
 * Left undefined, for the group to run on its own once it has committed: a write-off of an invoice
 * that an earlier write-off of the group writes off, one asked again under a key of the group or
 * whose key a document has taken meanwhile, and one with a rate typed (its posting records a row).
 */
export async function postWriteOffsEach(tx: TenantTx, asked: readonly Own[]): Promise<Outcome[]> {
  const postings = sharingControlReads(asked);
  const outcomes: Outcome[] = postings.map(() => undefined);
  const mine = unclaimed(postings, ({ request: { input, idempotency } }) => [
    input.invoiceId,
    ...keyClaim(idempotency.key),
  ]);
  const ids = [...new Set(mine.map((i) => (postings[i] as Own).request.input.invoiceId))].sort();
  const keys = mine.flatMap((i) => (postings[i] as Own).request.idempotency.key ?? []);
  const settlements = await lockSettledInvoices(tx, ids);
  const { parties, taken } = await settlingReads(tx, ids, keys);
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
      const values = { ...checked.values, id: randomUUID() };
      drafts.push({ at, draft: { values, actor, allocations: [checked.allocation] } });
    } catch (error) {
      outcomes[at] = { ok: false, error };
    }
  }
  if (drafts.length === 0) return outcomes;
  await insertDraftsAs(
    tx,
    drafts.map((d) => d.draft),
  );
  const posted = await postDocumentsEach(
    tx,
    drafts.map(({ at, draft }) => ({
      actor: draft.actor,
      request: { books: (postings[at] as Own).request.books, id: draft.values.id, family: 'WRITE_OFF' },
    })),
  );
  drafts.forEach(({ at, draft }, k) => {
    const outcome = posted[k];
    if (!outcome?.ok) {
      const why = outcome ? String(outcome.error) : 'handed back';
      throw new Error(`write-off ${draft.values.id} drafted in the group was not posted by it (${why})`);
    }
    outcomes[at] = outcome;
  });
  return outcomes;
}
