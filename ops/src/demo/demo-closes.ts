import { type TenantDb, tenant } from '@cifra/db';
import type { IsoDate } from '@cifra/domain';
import {
  approvePeriodClose,
  approveYearEndClose,
  markYearAudited,
  type PeriodActor,
  prepareYearEndClose,
  startPeriodClose,
  submitPeriodClose,
} from '@cifra/subgraph-period';
import { asc } from 'drizzle-orm';
import type { DemoCloseProfile } from './demo-profiles.ts';

export interface DemoActors {
  /** Prepares and submits (the senior accountant). */
  preparer: PeriodActor;
  /** Approves: another person, as the four-eyes rule wants (the firm's admin). */
  approver: PeriodActor;
  /** Signs off an audited year (the external reviewer). */
  auditor: PeriodActor;
}

/**
 * Brings a client's months to the stages its profile names, through the period services as the
 * firm's people would: every month before the open ones closed (started and submitted by the
 * preparer, approved by the approver, oldest first), the oldest open month's close left at
 * DRAFT or PENDING_APPROVAL, and the previous fiscal year closed (year-end close prepared and
 * approved, then marked audited) when all its months are locked. Returns what it reached.
 */
export async function closeDemoMonths(
  db: TenantDb,
  actors: DemoActors,
  profile: DemoCloseProfile,
  args: { today: IsoDate; fxVarianceMode: 'SIMPLE' | 'SEPARATED' },
): Promise<{ locked: number; previousYear: DemoCloseProfile['previousYear'] | 'OPEN' }> {
  const periods = await db.select().from(tenant.postingPeriods).orderBy(asc(tenant.postingPeriods.startDate));
  const current = periods.findIndex((p) => p.startDate <= args.today && args.today <= p.endDate);
  if (current < 0) throw new Error(`no posting period holds ${args.today}`);
  const lockBefore = Math.max(0, current - profile.openMonths);
  const firstYear = periods[0]!.fiscalYear;
  const firstYearMonths = periods.filter((p) => p.fiscalYear === firstYear).length;
  let previousYear: DemoCloseProfile['previousYear'] | 'OPEN' = 'OPEN';
  const closeYear = async () => {
    if (profile.previousYear === 'LOCKED' || firstYear === periods[current]!.fiscalYear) {
      previousYear = 'LOCKED';
      return;
    }
    const draft = await prepareYearEndClose(db, actors.preparer, {
      fiscalYear: firstYear,
      fxVarianceMode: args.fxVarianceMode,
    });
    previousYear = 'DRAFT_CLOSE';
    if (profile.previousYear === 'DRAFT_CLOSE') return;
    await approveYearEndClose(db, actors.approver, {
      draftId: draft.close.id,
      fxVarianceMode: args.fxVarianceMode,
    });
    previousYear = 'CLOSED';
    if (profile.previousYear === 'AUDITED') {
      await markYearAudited(db, actors.auditor, { fiscalYear: firstYear });
      previousYear = 'AUDITED';
    }
  };
  let locked = 0;
  for (const [index, period] of periods.entries()) {
    if (index === firstYearMonths && lockBefore >= firstYearMonths) await closeYear();
    if (index > lockBefore || index >= current) break;
    if (index === lockBefore && profile.stage === 'NONE') break;
    const close = await startPeriodClose(db, actors.preparer, { periodId: period.id });
    if (index === lockBefore && profile.stage === 'DRAFT') break;
    await submitPeriodClose(db, actors.preparer, { closeId: close.id });
    if (index === lockBefore) break;
    await approvePeriodClose(db, actors.approver, { closeId: close.id });
    locked++;
  }
  return { locked, previousYear };
}
