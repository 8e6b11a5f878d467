import { holdPeriodsForTransition, inTransaction, type TenantDb, tenant } from '@cifra/db';
import { checkPeriodMove, DomainError, type PeriodState, PeriodStates, requireReason } from '@cifra/domain';
import { Permissions as P } from '@cifra/permissions';
import { and, eq, sql } from 'drizzle-orm';
import { type PeriodActor, requirePermission } from './actor.ts';

import {
  fiscalYearRow,
  liveClose,
  type PostingPeriodRow,
  periodForUpdate,
  periodLabel,
  recordTransition,
  refuse,
  setPeriodState,
  yearPeriodsForUpdate,
} from './store.ts';

function parseState(state: string): PeriodState {
  if (!(PeriodStates as readonly string[]).includes(state)) {
    throw new DomainError('BAD_USER_INPUT', `"${state}" is not a period state`, { field: 'state' });
  }
  return state as PeriodState;
}

function refuseIfYearFinal(year: { year: number; state: string }): void {
  if (year.state === 'AUDITED') {
    throw new DomainError(
      'YEAR_AUDITED',
      `Fiscal year ${year.year} is AUDITED: its periods can no longer change`,
      {
        fiscalYear: year.year,
      },
    );
  }
}

/**
 * A forward lock (`Period.Lock`): UNLOCKED → LOCK_SALES or LOCK_PURCHASING → LOCK_SALES_AND_PURCHASING,
 * one step at a time. LOCKED is reached only by an approved close, CLOSED only by the year-end close.
 */
export async function lockPeriod(
  db: TenantDb,
  actor: PeriodActor,
  args: { periodId: string; state: string },
): Promise<PostingPeriodRow> {
  requirePermission(actor, P.Period.Lock);
  const to = parseState(args.state);
  return inTransaction(db, actor, async (tx) => {
    // The gate first: wait for the postings in flight, then read and stamp (periods.md, ordering).
    await holdPeriodsForTransition(tx, [args.periodId]);
    const period = await periodForUpdate(tx, args.periodId);
    refuseIfYearFinal(await fiscalYearRow(tx, period.fiscalYear));
    const refusal = checkPeriodMove('LOCK', period.state, to);
    if (refusal)
      refuse(refusal, {
        periodId: period.id,
        period: periodLabel(period),
        state: period.state,
        requested: to,
      });
    const updated = await setPeriodState(tx, period.id, to);
    await recordTransition(tx, actor, { action: 'LOCK', period, toState: to });
    return updated;
  });
}

/**
 * Any move back short of CLOSED (`PostingPeriod.ReverseClose`, a reason of at least 20 characters).
 * Reopening a LOCKED month retires its approved close (status REOPENED) and is refused while a later
 * month of the same fiscal year is still LOCKED: locked months stay a prefix of the year.
 */
export async function reopenPeriod(
  db: TenantDb,
  actor: PeriodActor,
  args: { periodId: string; state: string; reason: string },
): Promise<PostingPeriodRow> {
  requirePermission(actor, P.PostingPeriod.ReverseClose);
  const to = parseState(args.state);
  const reason = requireReason(args.reason);
  const reasoned = { ...actor, reason };
  return inTransaction(db, reasoned, async (tx) => {
    const [target] = await tx
      .select({ fiscalYear: tenant.postingPeriods.fiscalYear })
      .from(tenant.postingPeriods)
      .where(eq(tenant.postingPeriods.id, args.periodId));
    if (!target)
      throw new DomainError('PERIOD_NOT_FOUND', `No posting period ${args.periodId}`, {
        periodId: args.periodId,
      });
    await holdPeriodsForTransition(tx, [args.periodId]);
    const periods = await yearPeriodsForUpdate(tx, target.fiscalYear);
    const period = periods.find((p) => p.id === args.periodId)!;
    refuseIfYearFinal(await fiscalYearRow(tx, period.fiscalYear));
    const refusal = checkPeriodMove('REOPEN', period.state, to);
    const details = { periodId: period.id, period: periodLabel(period), state: period.state, requested: to };
    if (refusal) refuse(refusal, details);
    if (period.state === 'LOCKED') {
      const later = periods.filter((p) => p.periodNumber > period.periodNumber && p.state === 'LOCKED');
      if (later.length > 0) {
        throw new DomainError(
          'LATER_PERIOD_LOCKED',
          `Reopen ${later.map(periodLabel).reverse().join(', ')} first: a month cannot reopen while a later month of its fiscal year stays LOCKED`,
          { ...details, lockedLater: later.map(periodLabel) },
        );
      }
    }
    let retired: { id: string } | null = null;
    if (period.state === 'LOCKED') {
      const close = await liveClose(tx, period.id);
      if (close?.status === 'APPROVED') {
        await tx
          .update(tenant.periodCloses)
          .set({ status: 'REOPENED', reopenedAt: sql`cifra_now()`, updatedAt: sql`cifra_now()` })
          .where(and(eq(tenant.periodCloses.id, close.id), eq(tenant.periodCloses.status, 'APPROVED')));
        retired = close;
      }
    }
    const updated = await setPeriodState(tx, period.id, to);
    await recordTransition(tx, reasoned, {
      action: 'REOPEN',
      period,
      toState: to,
      reason,
      ...(retired ? { close: { id: retired.id, from: 'APPROVED' as const, to: 'REOPENED' as const } } : {}),
    });
    return updated;
  });
}
