import {
  type Actor,
  Constraints,
  inTransaction,
  isUniqueViolation,
  recordAuditEvent,
  type TenantDb,
  tenant,
} from '@cifra/db';
import { DomainError, type IsoDate } from '@cifra/domain';
import { asc, eq, sql } from 'drizzle-orm';
import { type PostedEntry, postEntry, type TenantTx } from './posting-engine.ts';
import { mirrorLines } from './reverse-entry.ts';

/**
 * Scheduled reversals of accruals (docs/architecture/posting.md, "Recurring and reversing
 * entries"). An entry posted with `autoReverse` is reversed on its `reverseOn`, or on the first day
 * of the month after its posting date when none was chosen, by an entry of kind REVERSAL linked to
 * it through `reverses_entry_id`. That column is unique: whoever reverses first (the worker,
 * postDueReversals, a void, the year-end close) is the only one, and the others find nothing due.
 */

/** An auto-reversing entry not yet reversed, with the day its reversal is due. */
export interface PendingReversal {
  entryId: string;
  number: string;
  postingDate: IsoDate;
  reverseOn: IsoDate;
}

/**
 * Pending reversals due on or before `to` (and on or after `from`, when given), by due date. None
 * due before the books start — the live opening balances' date (`booksStart`; a reversal is due
 * after its entry, so never before the first period): the books refuse it whatever happens
 * (BEFORE_OPENING_BALANCES), so it is not pending. A run does not try it — retried, it was refused
 * on every run, and 500 of them sorted first kept every later reversal from being posted — and the
 * month's checklist does not wait for it, as for a recurring date before the books' start. Voiding
 * the import makes it due again.
 */
export async function pendingReversals(
  db: TenantDb | TenantTx,
  window: { from?: IsoDate; to: IsoDate; limit?: number },
): Promise<PendingReversal[]> {
  const { rows } = await db.execute<{ id: string; number: string; posting_date: string; due: string }>(sql`
    SELECT e.id, e.number, e.posting_date::text AS posting_date, d.due::text AS due
      FROM journal_entries e
     CROSS JOIN LATERAL (SELECT coalesce(e.reverse_on,
                           (date_trunc('month', e.posting_date) + interval '1 month')::date) AS due) d
     WHERE e.auto_reverse
       AND NOT EXISTS (SELECT 1 FROM journal_entries r WHERE r.reverses_entry_id = e.id)
       AND d.due <= ${window.to}::date
       AND (${window.from ?? null}::date IS NULL OR d.due >= ${window.from ?? null}::date)
       AND NOT EXISTS (SELECT 1 FROM opening_imports i WHERE i.voided_at IS NULL AND d.due < i.opening_date)
     ORDER BY d.due, e.number
     LIMIT ${window.limit ?? null}`);
  return rows.map((r) => ({
    entryId: r.id,
    number: r.number,
    postingDate: r.posting_date,
    reverseOn: r.due,
  }));
}

/** Reversals one run posts at most (a client years behind catches up over several runs). */
export const MAX_PER_RUN = 500;

/** A due reversal the books refused (its period closed, …): it stays pending and is shown. */
export interface RefusedReversal extends PendingReversal {
  code: string;
  message: string;
}

export interface ReversalRun {
  posted: PostedEntry[];
  refused: RefusedReversal[];
}

/**
 * Post every reversal due on or before `asOf`, each in its own transaction and on its own due date
 * (not on `asOf`): a run that comes late still reverses the accrual in the month it belongs to. A
 * refusal (the month is locked) leaves that one pending and the others are posted. Idempotent: a
 * second run finds nothing due. What is due is read once, first: one due before an opening balance
 * import that lands while the run goes is refused BEFORE_OPENING_BALANCES by this run, and no later
 * run tries it (`pendingReversals`).
 */
export async function postDueReversals(db: TenantDb, actor: Actor, asOf: IsoDate): Promise<ReversalRun> {
  const run: ReversalRun = { posted: [], refused: [] };
  for (const due of await pendingReversals(db, { to: asOf, limit: MAX_PER_RUN })) {
    try {
      const reversal = await inTransaction(
        db,
        { ...actor, reason: actor.reason ?? 'scheduled reversal' },
        (tx) => postScheduledReversal(tx, actor, due),
      );
      run.posted.push(reversal);
    } catch (err) {
      // Another run (or a void) reversed it in the meantime: nothing is due any more.
      if (isUniqueViolation(err, Constraints.journalEntryReversedOnce)) continue;
      if (!(err instanceof DomainError)) throw err;
      run.refused.push({ ...due, code: err.code, message: err.message });
    }
  }
  return run;
}

async function postScheduledReversal(tx: TenantTx, actor: Actor, due: PendingReversal): Promise<PostedEntry> {
  const [original] = await tx
    .select()
    .from(tenant.journalEntries)
    .where(eq(tenant.journalEntries.id, due.entryId));
  if (!original) throw new Error(`pending reversal of a missing entry ${due.entryId}`);
  const lines = await tx
    .select()
    .from(tenant.glLines)
    .where(eq(tenant.glLines.entryId, original.id))
    .orderBy(asc(tenant.glLines.lineNumber));
  const reversal = await postEntry(tx, actor, {
    kind: 'REVERSAL',
    postingDate: due.reverseOn,
    memo: `Reversal of accrual ${original.number}${original.memo ? `: ${original.memo}` : ''}`,
    reversesEntryId: original.id,
    lines: mirrorLines(lines),
  });
  await recordAuditEvent(tx, actor, {
    action: 'journal_entry.reversed_as_scheduled',
    entityType: 'JournalEntry',
    entityId: original.id,
    before: { number: original.number, reversed: false },
    after: { number: original.number, reversed: true, reversal: reversal.number, postingDate: due.reverseOn },
    reason: 'an auto-reversing entry reversed on its reversal date',
  });
  return reversal;
}
