import {
  Constraints,
  holdPeriodsForTransition,
  inTransaction,
  isUniqueViolation,
  type TenantDb,
  tenant,
} from '@cifra/db';
import {
  addDays,
  checkPeriodMove,
  closeStatusAfter,
  DomainError,
  isOpenForClose,
  type Refusal,
  requireReason,
} from '@cifra/domain';
import { type Company, loadCompany } from '@cifra/engine';
import { Permissions as P } from '@cifra/permissions';
import { eq, sql } from 'drizzle-orm';
import { type PeriodActor, requirePermission, requireUser } from './actor.ts';
import { blockingOpenItems, type ChecklistItem, computeChecklist } from './checklist.ts';
import { type ClientClock, todayIfNotEnded } from './client-clock.ts';

import {
  closeForUpdate,
  liveClose,
  type PeriodCloseRow,
  type PostingPeriodRow,
  periodForUpdate,
  periodLabel,
  recordTransition,
  refuse,
  setPeriodState,
  type TenantTx,
  yearPeriodsForUpdate,
} from './store.ts';

async function checklistFor(
  tx: TenantTx,
  period: PostingPeriodRow,
  company?: Company,
): Promise<ChecklistItem[]> {
  const { baseCurrency } = company ?? (await loadCompany(tx));
  return computeChecklist(tx, { period, baseCurrency });
}

/**
 * A month is LOCKED once it has ended, on the client's own clock (its time zone): on its last day a
 * sale can still be made and posted into it, and the lock would turn it away. Its close can be
 * started and submitted before, to prepare it; the approval waits for the day after.
 */
function refuseIfNotEnded(period: PostingPeriodRow, clock: ClientClock, details: Record<string, unknown>) {
  const today = todayIfNotEnded(period.endDate, clock);
  if (today === null) return;
  throw new DomainError(
    'PERIOD_NOT_ENDED',
    `${periodLabel(period)} ends on ${period.endDate}: its close can be approved from ${addDays(period.endDate, 1)} (today is ${today} in ${clock.timezone})`,
    { ...details, endDate: period.endDate, today, timezone: clock.timezone },
  );
}

function refuseIncomplete(items: ChecklistItem[], period: PostingPeriodRow): void {
  const blocking = blockingOpenItems(items);
  if (blocking.length > 0) {
    throw new DomainError(
      'CHECKLIST_INCOMPLETE',
      `The close of ${periodLabel(period)} has open checklist items: ${blocking.map((i) => `${i.label} (${i.detail})`).join('; ')}`,
      { period: periodLabel(period), openItems: blocking.map((i) => i.code) },
    );
  }
}

const isRefusal = (x: unknown): x is Refusal => typeof x === 'object' && x !== null && 'code' in x;

/** The period of a close, found without locks, so that periods are always locked before closes. */
async function periodIdOfClose(tx: TenantTx, closeId: string): Promise<string> {
  const [row] = await tx
    .select({ periodId: tenant.periodCloses.periodId })
    .from(tenant.periodCloses)
    .where(eq(tenant.periodCloses.id, closeId));
  if (!row) throw new DomainError('NOT_FOUND', `No period close ${closeId}`, { closeId });
  return row.periodId;
}

/**
 * Open → Draft (`Period.PrepareClose`): a close for a month that is not yet LOCKED, with its checklist
 * computed from the books. One live close per month.
 */
export async function startPeriodClose(
  db: TenantDb,
  actor: PeriodActor,
  args: { periodId: string },
): Promise<PeriodCloseRow> {
  requirePermission(actor, P.Period.PrepareClose);
  try {
    return await inTransaction(db, actor, async (tx) => {
      const period = await periodForUpdate(tx, args.periodId);
      const details = { periodId: period.id, period: periodLabel(period), state: period.state };
      if (!isOpenForClose(period.state)) {
        throw new DomainError(
          period.state === 'CLOSED' ? 'YEAR_CLOSED' : 'INVALID_TRANSITION',
          `${periodLabel(period)} is already ${period.state}: there is nothing to close`,
          details,
        );
      }
      const existing = await liveClose(tx, period.id);
      if (existing) {
        throw new DomainError(
          'CLOSE_IN_PROGRESS',
          `${periodLabel(period)} already has a close in ${existing.status}`,
          { ...details, closeId: existing.id, closeStatus: existing.status },
        );
      }
      const checklist = await checklistFor(tx, period);
      const [close] = await tx
        .insert(tenant.periodCloses)
        .values({ periodId: period.id, checklist, startedBy: actor.userId, startedByEmail: actor.email })
        .returning();
      await recordTransition(tx, actor, {
        action: 'START_CLOSE',
        period,
        toState: period.state,
        close: { id: close!.id, from: null, to: 'DRAFT' },
        details: { openItems: checklist.filter((i) => i.status === 'OPEN').map((i) => i.code) },
      });
      return close!;
    });
  } catch (err) {
    if (isUniqueViolation(err, Constraints.periodCloseOneLive)) {
      throw new DomainError('CLOSE_IN_PROGRESS', 'This month already has a close in progress', {
        periodId: args.periodId,
      });
    }
    throw err;
  }
}

/** Draft → PendingApproval (`Period.PrepareClose`): refused while a blocking checklist item is open. */
export async function submitPeriodClose(
  db: TenantDb,
  actor: PeriodActor,
  args: { closeId: string },
): Promise<PeriodCloseRow> {
  requirePermission(actor, P.Period.PrepareClose);
  requireUser(actor);
  return inTransaction(db, actor, async (tx) => {
    const period = await periodForUpdate(tx, await periodIdOfClose(tx, args.closeId));
    const close = await closeForUpdate(tx, args.closeId);
    const next = closeStatusAfter(close.status, 'SUBMIT');
    if (isRefusal(next)) refuse(next, { closeId: close.id, closeStatus: close.status });
    const checklist = await checklistFor(tx, period);
    refuseIncomplete(checklist, period);
    const [updated] = await tx
      .update(tenant.periodCloses)
      .set({
        status: next,
        checklist,
        submittedBy: actor.userId,
        submittedByEmail: actor.email,
        submittedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(eq(tenant.periodCloses.id, close.id))
      .returning();
    await recordTransition(tx, actor, {
      action: 'SUBMIT_CLOSE',
      period,
      toState: period.state,
      close: { id: close.id, from: close.status, to: next },
    });
    return updated!;
  });
}

/**
 * PendingApproval → Closed (`Period.Close`): the month becomes LOCKED. Refused before the month has
 * ended on the client's clock (`now`, the clock's reading, is the tests'), when the approver is the
 * person who submitted it, while an earlier month of the same fiscal year is not LOCKED, or when the
 * checklist (recomputed now) has a blocking item open.
 */
export async function approvePeriodClose(
  db: TenantDb,
  actor: PeriodActor,
  args: { closeId: string; now?: Date },
): Promise<PeriodCloseRow> {
  requirePermission(actor, P.Period.Close);
  const userId = requireUser(actor);
  return inTransaction(db, actor, async (tx) => {
    const periodId = await periodIdOfClose(tx, args.closeId);
    const [{ fiscalYear } = { fiscalYear: 0 }] = await tx
      .select({ fiscalYear: tenant.postingPeriods.fiscalYear })
      .from(tenant.postingPeriods)
      .where(eq(tenant.postingPeriods.id, periodId));
    // The month's gate first: the approval waits for the postings already in flight into it (not
    // for later ones, which queue behind us), and its records carry a time taken after that
    // (docs/architecture/periods.md, "Ordering with postings").
    await holdPeriodsForTransition(tx, [periodId]);
    const periods = await yearPeriodsForUpdate(tx, fiscalYear);
    const period = periods.find((p) => p.id === periodId)!;
    const close = await closeForUpdate(tx, args.closeId);
    const details = { closeId: close.id, closeStatus: close.status, period: periodLabel(period) };
    const next = closeStatusAfter(close.status, 'APPROVE');
    if (isRefusal(next)) refuse(next, details);
    const company = await loadCompany(tx);
    refuseIfNotEnded(period, { now: args.now ?? new Date(), timezone: company.timezone }, details);
    if (close.submittedBy === userId) {
      throw new DomainError(
        'SAME_PERSON',
        'The close must be approved by a different person than the one who submitted it',
        { ...details, submittedBy: close.submittedByEmail },
      );
    }
    const earlier = periods.filter(
      (p) => p.periodNumber < period.periodNumber && p.state !== 'LOCKED' && p.state !== 'CLOSED',
    );
    if (earlier.length > 0) {
      throw new DomainError(
        'EARLIER_PERIOD_NOT_LOCKED',
        `Close ${earlier.map(periodLabel).join(', ')} first: a month is approved only after every earlier month of its fiscal year is LOCKED`,
        { ...details, openEarlier: earlier.map(periodLabel) },
      );
    }
    const move = checkPeriodMove('APPROVE_CLOSE', period.state, 'LOCKED');
    if (move) refuse(move, details);
    const checklist = await checklistFor(tx, period, company);
    refuseIncomplete(checklist, period);
    await setPeriodState(tx, period.id, 'LOCKED');
    const [updated] = await tx
      .update(tenant.periodCloses)
      .set({
        status: next,
        checklist,
        approvedBy: userId,
        approvedByEmail: actor.email,
        // The transaction's recorded time, as on the period's history and the audit event.
        approvedAt: sql`cifra_now()`,
        updatedAt: sql`cifra_now()`,
      })
      .where(eq(tenant.periodCloses.id, close.id))
      .returning();
    await recordTransition(tx, actor, {
      action: 'APPROVE_CLOSE',
      period,
      toState: 'LOCKED',
      close: { id: close.id, from: close.status, to: next },
    });
    return updated!;
  });
}

/** PendingApproval → Draft (`Period.Close`), with the reason the preparer needs to fix it. */
export async function rejectPeriodClose(
  db: TenantDb,
  actor: PeriodActor,
  args: { closeId: string; reason: string },
): Promise<PeriodCloseRow> {
  requirePermission(actor, P.Period.Close);
  requireUser(actor);
  const reason = requireReason(args.reason);
  const reasoned = { ...actor, reason };
  return inTransaction(db, reasoned, async (tx) => {
    const period = await periodForUpdate(tx, await periodIdOfClose(tx, args.closeId));
    const close = await closeForUpdate(tx, args.closeId);
    const next = closeStatusAfter(close.status, 'REJECT');
    if (isRefusal(next)) refuse(next, { closeId: close.id, closeStatus: close.status });
    const [updated] = await tx
      .update(tenant.periodCloses)
      .set({
        status: next,
        rejectedBy: actor.userId,
        rejectedByEmail: actor.email,
        rejectedAt: new Date(),
        rejectionReason: reason,
        updatedAt: new Date(),
      })
      .where(eq(tenant.periodCloses.id, close.id))
      .returning();
    await recordTransition(tx, reasoned, {
      action: 'REJECT_CLOSE',
      period,
      toState: period.state,
      close: { id: close.id, from: close.status, to: next },
      reason,
    });
    return updated!;
  });
}
