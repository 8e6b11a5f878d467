import { randomUUID } from 'node:crypto';
import type { Actor, PostingLane } from '@cifra/db';
import { formatDecimal } from '@cifra/domain';
import { holdPeriodsAndKeys, postEntriesEach, type TenantTx } from '@cifra/engine';
import {
  type ApplicationPosting,
  applicationDraft,
  applicationPosting,
  type CreditApplication,
  checkApplication,
  creditOf,
} from './apply-credit.ts';
import { keyClaim, unclaimed } from './claims.ts';
import { insertDraftsAs, lockSettledInvoices, postDocumentsAs, settlingReads } from './group-store.ts';
import { KINDS } from './kinds.ts';
import { sharingControlReads } from './post-each.ts';
import { documentEntryKey } from './posted-event.ts';
import { checkParty } from './store.ts';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
type Own = { actor: Actor; request: CreditApplication };

/** An application checked in memory, its entry ready for the engine. */
interface Ready {
  at: number;
  actor: Actor;
  draft: ReturnType<typeof applicationDraft> & { id: string };
  posting: ApplicationPosting;
}

/** The lane `applyCredit` hands to the group commit. */
export const CREDIT_APPLICATION_LANE: PostingLane<CreditApplication> = { postEach: postApplicationsEach };

/**
 * The credit applications of one group commit, posted together in a constant number of statements
 * (docs/architecture/posting.md, "Group commit"): the credits and invoices they use are locked in id
 * order with what settles them now (`lockSettledInvoices`), with their parties, the role bindings
 * and the keys already used read after; each application is checked in memory as `applyCredit`
 * checks it (`checkApplication`) and refused alone; their entries go to `postEntriesEach`, then the
 * applications' rows are inserted (each version naming its author) and one call takes their
 * numbers, makes their two allocations facts, marks them posted and records their events.
 *
 * Left undefined, for the group to run on its own once it has committed: an application using a
 * credit or an invoice that an earlier application of the group uses (each sees what the one before
 * did), one asked again under a key of the group, one whose key a document has taken meanwhile.
 */
export async function postApplicationsEach(tx: TenantTx, asked: readonly Own[]): Promise<Outcome[]> {
  const postings = sharingControlReads(asked);
  const outcomes: Outcome[] = postings.map(() => undefined);
  const mine = unclaimed(postings, usedBy);
  const ids = [...new Set(mine.flatMap((i) => settles(postings[i] as Own)))].sort();
  const keys = mine.flatMap((i) => (postings[i] as Own).request.idempotency.key ?? []);
  const drafts = new Map(mine.map((i) => [i, randomUUID()]));
  // Locked first, as a lone application locks them; then what is read after the lock and the
  // periods' gates, one statement after another on the connection.
  const locked = lockSettledInvoices(tx, ids);
  const reads = locked.then(() => settlingReads(tx, ids, keys));
  const held = reads.then(() =>
    holdPeriodsAndKeys(
      tx,
      mine.map((i) => (postings[i] as Own).request.date),
      [...drafts.values()].map(documentEntryKey),
    ),
  );
  for (const p of [locked, reads, held]) p.catch(() => undefined);
  const [settlements, { parties, roles, taken }] = [await locked, await reads];
  const ready: Ready[] = [];
  for (const [at, id] of drafts) {
    const { actor, request } = postings[at] as Own;
    if (request.idempotency.key && taken.has(request.idempotency.key)) continue;
    try {
      const credit = creditOf(request, settlements);
      const party = checkParty(parties.get(credit.partyId), credit.partyId, KINDS[request.kind].partyKind);
      const minorUnits = await request.books.minorUnits(credit.currency);
      const { invoice, amountMinor } = checkApplication(request, credit, party, settlements, minorUnits);
      const draft = { ...applicationDraft(request, party, credit, amountMinor), id };
      const doc = { ...draft, memo: draft.memo ?? '', totalMinor: amountMinor };
      const posting = await applicationPosting(
        request.books,
        doc,
        credit,
        invoice,
        roles,
        minorUnits,
        settlements,
      );
      ready.push({ at, actor, draft, posting });
    } catch (error) {
      outcomes[at] = { ok: false, error };
    }
  }
  if (ready.length === 0) {
    await held;
    return outcomes;
  }
  const entries = await postEntriesEach(
    tx,
    ready.map((r) => ({ actor: r.actor, request: r.posting.entry })),
    held,
  );
  const posted = ready.flatMap((r, k) => {
    const entry = entries[k];
    if (entry?.ok) return [{ ...r, entry: entry.value }];
    // A refused entry (its period) refuses its application; undefined cannot happen (keys differ).
    outcomes[r.at] = entry ?? {
      ok: false,
      error: new Error(`credit application ${r.draft.id}: entry not posted`),
    };
    return [];
  });
  if (posted.length === 0) return outcomes;
  // Only the applications whose entries posted are inserted: a refusal leaves nothing behind.
  await insertDraftsAs(
    tx,
    posted.map((p) => ({ values: p.draft, actor: p.actor })),
  );
  const rows = await postDocumentsAs(
    tx,
    posted.map(({ draft, posting, entry, actor }) => ({
      id: draft.id,
      kind: draft.kind,
      fiscalYear: entry.fiscalYear,
      entryId: entry.id,
      exchangeRate: formatDecimal(posting.rate),
      exchangeRateId: posting.provenance.exchangeRateId,
      rateIsFallback: posting.provenance.rateIsFallback,
      baseTotalMinor: posting.baseTotalMinor,
      creditMinor: 0n,
      creditBaseMinor: 0n,
      allocations: posting.allocations,
      actor,
      event: {
        action: 'document.posted',
        entityType: 'Document',
        before: { status: 'DRAFT' },
        after: posting.after(entry.number),
      },
    })),
    new Date(),
  );
  for (const p of posted) outcomes[p.at] = { ok: true, value: rows.get(p.draft.id) };
  return outcomes;
}

/** The documents an application settles: its credit and its invoice. */
const settles = ({ request: { input } }: Own) => [input.creditId, input.invoiceId];
/** What an application uses: what it settles and its key. */
const usedBy = (p: Own) => [...settles(p), ...keyClaim(p.request.idempotency.key)];
