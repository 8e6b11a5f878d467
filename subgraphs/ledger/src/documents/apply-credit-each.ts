import { randomUUID } from 'node:crypto';
import { formatDecimal, type IsoDate } from '@cifra/domain';
import type { EntryAhead, TenantTx } from '@cifra/engine';
import {
  type ApplicationPosting,
  applicationDraft,
  applicationPosting,
  type CreditApplication,
  checkApplication,
  creditOf,
} from './apply-credit.ts';
import { keyClaim, unclaimed } from './claims.ts';
import {
  askSettlingReads,
  type DraftAs,
  type PostedDocument,
  type SettlingReadsAsked,
} from './group-store.ts';
import { KINDS } from './kinds.ts';
import { documentEntryKey } from './posted-event.ts';
import type { Outcome, Own as OwnOf, Pass, Staged } from './staged.ts';
import { checkParty } from './store.ts';

type Own = OwnOf<CreditApplication>;

/**
 * The credit applications of one group commit the lane posts (`planApplications`): those using no
 * credit, invoice or key `claimed` holds, each with its document's id drawn now, so that its entry's
 * date and key are known before anything is read (the lane holds them with the group's others).
 */
export interface ApplicationsPlan {
  /** The applications posted, by index among the pass's postings, with their documents' ids. */
  mine: Map<number, string>;
  /** What they settle (their credits and invoices), in id order, and their idempotency keys. */
  settles: string[];
  keys: string[];
  /** Their entries' posting dates and keys. */
  entries: { dates: IsoDate[]; keys: string[] };
}

/** The plan of `postings`' pass (see `ApplicationsPlan`); what they use is added to `claimed`. */
export function planApplications(postings: readonly Own[], claimed: Set<string>): ApplicationsPlan {
  const mine = new Map(unclaimed(postings, usedBy, claimed).map((at) => [at, randomUUID()]));
  const own = [...mine.keys()].map((at) => (postings[at] as Own).request);
  return {
    mine,
    settles: [...new Set(own.flatMap((r) => [r.input.creditId, r.input.invoiceId]))].sort(),
    keys: own.flatMap((r) => r.idempotency.key ?? []),
    entries: { dates: own.map((r) => r.date), keys: [...mine.values()].map(documentEntryKey) },
  };
}

/**
 * What `plan`'s applications settle, locked as a lone application locks it, and what is read after
 * the lock — their parties, the role bindings, the keys already used — asked now to ride with the
 * transaction's next round trip (`askSettlingReads`).
 */
export const askApplicationReads = (tx: TenantTx, plan: ApplicationsPlan): SettlingReadsAsked =>
  askSettlingReads(tx, plan.settles, plan.keys);

/**
 * The credit applications of one group commit, read, locked and checked together in a constant
 * number of statements (docs/architecture/posting.md, "Group commit"), staged for the books' lane to
 * write: the credits and invoices they use are locked in id order with what settles them now, and
 * their parties, the role bindings and the keys already used read after the lock, in one round trip
 * (`askApplicationReads`, which the lane sends with the documents' lock when the group has
 * documents); each application is checked in memory as `applyCredit` checks it
 * (`checkApplication`) and refused alone. Staged: its entry, its row (inserted once the entry has
 * posted, each version naming its author), and its document's posting (number, two allocations
 * made facts, event).
 *
 * Left undefined, for the group to run on its own once it has committed: an application using a
 * credit or an invoice that `claimed` held or an earlier application of the group uses (each sees
 * what the one before did), one asked again under a key of the group, one whose key a document has
 * taken meanwhile (`plan`).
 */
export async function stageApplications(
  postings: readonly Own[],
  plan: ApplicationsPlan,
  reads: SettlingReadsAsked,
): Promise<Pass> {
  const outcomes: Outcome[] = postings.map(() => undefined);
  const { locked: settlements, parties, roles, taken } = await reads();
  const staged: Staged[] = [];
  for (const [at, id] of plan.mine) {
    const { actor, request } = postings[at] as Own;
    if (request.idempotency.key && taken.has(request.idempotency.key)) continue;
    try {
      const credit = creditOf(request, settlements);
      const party = checkParty(parties.get(credit.partyId), credit.partyId, KINDS[request.kind].partyKind);
      const minorUnits = await request.books.minorUnits(credit.currency);
      const { invoice, amountMinor } = checkApplication(request, credit, party, settlements, minorUnits);
      const values = { ...applicationDraft(request, party, credit, amountMinor), id };
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

/** An application's document posting given its entry (before it is written). */
const posted =
  ({ values, actor }: DraftAs, posting: ApplicationPosting) =>
  (entry: EntryAhead): PostedDocument => ({
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
      // The call posting the document puts its number and its entry's in the event.
      after: posting.after(''),
    },
  });

/** The documents an application settles: its credit and its invoice. */
const settles = ({ request: { input } }: Own) => [input.creditId, input.invoiceId];
/** What an application uses: what it settles and its key. */
const usedBy = (p: Own) => [...settles(p), ...keyClaim(p.request.idempotency.key)];
