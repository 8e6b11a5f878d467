import { randomUUID } from 'node:crypto';
import { formatDecimal } from '@cifra/domain';
import type { PostedEntry, TenantTx } from '@cifra/engine';
import {
  type ApplicationPosting,
  applicationDraft,
  applicationPosting,
  type CreditApplication,
  checkApplication,
  creditOf,
} from './apply-credit.ts';
import { keyClaim, unclaimed } from './claims.ts';
import { type DraftAs, lockWithSettlingReads, type PostedDocument } from './group-store.ts';
import { KINDS } from './kinds.ts';
import type { Outcome, Own as OwnOf, Pass, Staged } from './staged.ts';
import { checkParty } from './store.ts';

type Own = OwnOf<CreditApplication>;

/**
 * The credit applications of one group commit, read, locked and checked together in a constant
 * number of statements (docs/architecture/posting.md, "Group commit"), staged for the books' lane to
 * write: the credits and invoices they use are locked in id order with what settles them now, and
 * their parties, the role bindings and the keys already used read after the lock, in one round trip
 * (`lockWithSettlingReads`); each application is checked in memory as `applyCredit` checks it
 * (`checkApplication`) and refused alone. Staged: its entry, its row (inserted once the entry has
 * posted, each version naming its author), and its document's posting (number, two allocations
 * made facts, event).
 *
 * Left undefined, for the group to run on its own once it has committed: an application using a
 * credit or an invoice that `claimed` holds or an earlier application of the group uses (each sees
 * what the one before did), one asked again under a key of the group, one whose key a document has
 * taken meanwhile.
 */
export async function stageApplications(
  tx: TenantTx,
  postings: readonly Own[],
  claimed: Set<string>,
): Promise<Pass> {
  const outcomes: Outcome[] = postings.map(() => undefined);
  const mine = unclaimed(postings, usedBy, claimed);
  const ids = [...new Set(mine.flatMap((i) => settles(postings[i] as Own)))].sort();
  const keys = mine.flatMap((i) => (postings[i] as Own).request.idempotency.key ?? []);
  // Locked first, as a lone application locks them; what is read after the lock, in the same round trip.
  const { locked: settlements, parties, roles, taken } = await lockWithSettlingReads(tx, ids, keys);
  const staged: Staged[] = [];
  for (const at of mine) {
    const { actor, request } = postings[at] as Own;
    if (request.idempotency.key && taken.has(request.idempotency.key)) continue;
    try {
      const credit = creditOf(request, settlements);
      const party = checkParty(parties.get(credit.partyId), credit.partyId, KINDS[request.kind].partyKind);
      const minorUnits = await request.books.minorUnits(credit.currency);
      const { invoice, amountMinor } = checkApplication(request, credit, party, settlements, minorUnits);
      const values = { ...applicationDraft(request, party, credit, amountMinor), id: randomUUID() };
      const doc = { ...values, memo: values.memo ?? '', totalMinor: amountMinor };
      const posting = await applicationPosting(
        request.books,
        doc,
        credit,
        invoice,
        roles,
        minorUnits,
        settlements,
      );
      const draft: DraftAs = { values, actor };
      staged.push({ at, actor, entry: posting.entry, draft, document: posted(draft, posting) });
    } catch (error) {
      outcomes[at] = { ok: false, error };
    }
  }
  return { outcomes, staged };
}

/** An application's document posting, once its entry has posted. */
const posted =
  ({ values, actor }: DraftAs, posting: ApplicationPosting) =>
  (entry: PostedEntry): PostedDocument => ({
    id: values.id,
    kind: values.kind,
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
  });

/** The documents an application settles: its credit and its invoice. */
const settles = ({ request: { input } }: Own) => [input.creditId, input.invoiceId];
/** What an application uses: what it settles and its key. */
const usedBy = (p: Own) => [...settles(p), ...keyClaim(p.request.idempotency.key)];
