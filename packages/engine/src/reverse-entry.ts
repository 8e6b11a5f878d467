import { type Actor, Constraints, isUniqueViolation, recordAuditEvent, tenant } from '@cifra/db';
import { badInput, DomainError, type IsoDate, requireReason, type SourceKind } from '@cifra/domain';
import { asc, eq } from 'drizzle-orm';
import {
  beforeOpening,
  type PostedEntry,
  type PostingLine,
  postEntry,
  type TenantTx,
} from './posting-engine.ts';

export interface ReverseRequest {
  entryId: string;
  /** The reversal's posting date; its period must accept `kind`. */
  postingDate: IsoDate;
  reason: string;
  /** REVERSAL for manual entries; a document's own kind when the document is voided. */
  kind?: SourceKind;
  /** The voided document, when a document is voided through its entry. */
  documentId?: string | null;
  /** The caller's name for `postingDate`, for a refusal (`voidDate` for documents). */
  dateField?: string;
}

export interface Reversal {
  original: PostedEntry;
  reversal: PostedEntry;
}

/**
 * Void a posted entry: post its mirror image (every line negated, in both currencies, citing the
 * same exchange rates) linked to it by `reverses_entry_id`, and record the void with its reason.
 * The original is never touched.
 * An entry is voided once: the `voids` primary key and the unique `reverses_entry_id` make a
 * concurrent second void (or a void racing the entry's scheduled reversal) fail in the database
 * even if both pass the check here; the loser is then told what the winner was.
 */
export async function reverseEntry(tx: TenantTx, actor: Actor, req: ReverseRequest): Promise<Reversal> {
  const reason = requireReason(req.reason);
  const [original] = await tx
    .select()
    .from(tenant.journalEntries)
    .where(eq(tenant.journalEntries.id, req.entryId));
  if (!original) throw new DomainError('NOT_FOUND', `No journal entry ${req.entryId}`, { id: req.entryId });
  if (original.reversesEntryId) {
    throw new DomainError('CANNOT_VOID', `${original.number} is itself a reversal and cannot be voided`, {
      id: original.id,
      number: original.number,
    });
  }
  if (original.sourceKind === 'YEAR_END_CLOSE') {
    throw new DomainError(
      'CANNOT_VOID',
      `${original.number} is a year-end closing entry: reverse the year-end close instead`,
      { id: original.id, number: original.number },
    );
  }
  await refuseIfVoidedOrReversed(tx, original);
  // A void undoes what happened: never before it happened, or the books would say on that day
  // that something was undone which had not yet been done (statements, aging, the tax return).
  if (req.postingDate < original.postingDate) {
    const field = req.dateField ?? 'postingDate';
    throw badInput(
      `${field}: ${req.postingDate} is before ${original.number} was posted (${original.postingDate})`,
      {
        field,
        postedOn: original.postingDate,
      },
    );
  }
  const lines = await tx
    .select()
    .from(tenant.glLines)
    .where(eq(tenant.glLines.entryId, original.id))
    .orderBy(asc(tenant.glLines.lineNumber));
  let reversal: PostedEntry;
  try {
    // In a savepoint: when another reversal of this entry commits first, the unique keys refuse
    // ours, and the transaction must still read what that one was.
    reversal = await tx.transaction(async (sp) => {
      const posted = await postEntry(sp, actor, {
        kind: req.kind ?? 'REVERSAL',
        postingDate: req.postingDate,
        memo: `Void of ${original.number}: ${reason}`,
        sourceId: req.documentId ?? original.sourceId,
        reversesEntryId: original.id,
        lines: mirrorLines(lines),
      });
      await sp.insert(tenant.voids).values({
        entryId: original.id,
        documentId: req.documentId ?? null,
        reversalEntryId: posted.id,
        reason,
        voidedBy: actor.userId ?? posted.postedBy,
      });
      return posted;
    });
  } catch (err) {
    // Refused for its date: named as the caller's field (a document's `voidDate`).
    if (err instanceof DomainError && err.code === 'BEFORE_OPENING_BALANCES' && req.dateField) {
      throw beforeOpening(String(err.details.openingDate), req.postingDate, req.dateField);
    }
    // A concurrent void, scheduled reversal or year-end close of the same entry committed first
    // (our insert waited for it): say which, as it would have been said after it.
    if (
      isUniqueViolation(err, Constraints.entryVoidedOnce) ||
      isUniqueViolation(err, Constraints.journalEntryReversedOnce) ||
      isUniqueViolation(err, Constraints.voidReversalOnce)
    ) {
      await refuseIfVoidedOrReversed(tx, original);
    }
    throw err;
  }
  await recordAuditEvent(tx, actor, {
    action: 'journal_entry.voided',
    entityType: 'JournalEntry',
    entityId: original.id,
    before: { number: original.number, voided: false },
    after: { number: original.number, voided: true, reversal: reversal.number, postingDate: req.postingDate },
    reason,
  });
  return { original, reversal };
}

/** Every line negated, in both currencies, party and memo kept. */
export function mirrorLines(lines: readonly (typeof tenant.glLines.$inferSelect)[]): PostingLine[] {
  return lines.map((l) => ({
    accountId: l.accountId,
    amountMinor: -l.amountMinor,
    originalCurrency: l.originalCurrency,
    originalAmountMinor: -l.originalAmountMinor,
    partyId: l.partyId,
    memo: l.memo,
    // The mirror cites the same rate as the line it reverses: it undoes exactly that translation.
    exchangeRateId: l.exchangeRateId,
    rateIsFallback: l.rateIsFallback,
  }));
}

/**
 * An entry voided once is not voided again (ALREADY_VOIDED). An accrual whose scheduled reversal
 * (or the year-end close's) is already posted is not voided either (ALREADY_REVERSED): a void would
 * post a second mirror and reverse it twice. The two entries already net to nothing from the
 * reversal date; a wrong accrual is corrected by a new entry in its month.
 *
 * One statement reads both, so both come from one snapshot: a void committed by a concurrent
 * request (its reversal and its `voids` row together) is seen whole or not at all, never as a
 * reversal without its void.
 */
async function refuseIfVoidedOrReversed(tx: TenantTx, original: PostedEntry): Promise<void> {
  const [reversal] = await tx
    .select({
      number: tenant.journalEntries.number,
      postingDate: tenant.journalEntries.postingDate,
      voidedBy: tenant.voids.reversalEntryId,
    })
    .from(tenant.journalEntries)
    .leftJoin(tenant.voids, eq(tenant.voids.reversalEntryId, tenant.journalEntries.id))
    .where(eq(tenant.journalEntries.reversesEntryId, original.id));
  if (!reversal) return;
  if (reversal.voidedBy) {
    throw new DomainError('ALREADY_VOIDED', `${original.number} was already voided`, {
      id: original.id,
      number: original.number,
      reversalEntryId: reversal.voidedBy,
    });
  }
  throw new DomainError(
    'ALREADY_REVERSED',
    `${original.number} was already reversed by ${reversal.number} on ${reversal.postingDate}: post a correcting entry instead`,
    { id: original.id, number: original.number, reversal: reversal.number },
  );
}
