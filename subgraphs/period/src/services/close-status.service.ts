import { type TenantDb, tenant } from '@cifra/db';
import {
  type CloseStage,
  type CloseStatus,
  DomainError,
  deriveCloseStage,
  type FiscalYearState,
  isOpenForClose,
  type PeriodState,
} from '@cifra/domain';
import { loadCompany } from '@cifra/engine';
import { Permissions as P } from '@cifra/permissions';
import { and, desc, eq, ne } from 'drizzle-orm';
import { type PeriodActor, requirePermission } from './actor.ts';
import { type ChecklistItem, computeChecklist } from './checklist.ts';
import type { PeriodCloseRow, PeriodTransitionRow, PostingPeriodRow } from './store.ts';

/** One client's month as the firm's close board shows it. */
export interface PeriodCloseStatus {
  period: PostingPeriodRow;
  periodState: PeriodState;
  fiscalYearState: FiscalYearState;
  close: PeriodCloseRow | null;
  closeStatus: CloseStatus | null;
  stage: CloseStage;
  lastTransition: PeriodTransitionRow | null;
  /** Checklist items still OPEN: computed now for a month not yet LOCKED, none once it is. */
  openChecklistItems: ChecklistItem[];
}

/**
 * The close board row of one client for a calendar month (`Period.Read`). Reads only, in one
 * read-only snapshot. Refuses with PERIOD_NOT_FOUND when the client has no period for that month.
 */
export async function periodCloseStatus(
  db: TenantDb,
  actor: PeriodActor,
  args: { year: number; month: number; withChecklist?: boolean },
): Promise<PeriodCloseStatus> {
  requirePermission(actor, P.Period.Read);
  return db.transaction(
    async (tx) => {
      const [period] = await tx
        .select()
        .from(tenant.postingPeriods)
        .where(and(eq(tenant.postingPeriods.year, args.year), eq(tenant.postingPeriods.month, args.month)));
      if (!period) {
        const label = `${args.year}-${String(args.month).padStart(2, '0')}`;
        throw new DomainError('PERIOD_NOT_FOUND', `No posting period for ${label}`, { period: label });
      }
      // One connection: the three reads run one after the other in the same snapshot.
      const [year] = await tx
        .select()
        .from(tenant.fiscalYears)
        .where(eq(tenant.fiscalYears.year, period.fiscalYear));
      const [close] = await tx
        .select()
        .from(tenant.periodCloses)
        .where(and(eq(tenant.periodCloses.periodId, period.id), ne(tenant.periodCloses.status, 'REOPENED')));
      const [last] = await tx
        .select()
        .from(tenant.periodTransitions)
        .where(eq(tenant.periodTransitions.periodId, period.id))
        .orderBy(desc(tenant.periodTransitions.id))
        .limit(1);
      const yearState = year?.state ?? 'OPEN';
      let openChecklistItems: ChecklistItem[] = [];
      if (args.withChecklist !== false && isOpenForClose(period.state)) {
        const company = await loadCompany(tx);
        const items = await computeChecklist(tx, { period, baseCurrency: company.baseCurrency });
        openChecklistItems = items.filter((i) => i.status === 'OPEN');
      }
      return {
        period,
        periodState: period.state,
        fiscalYearState: yearState,
        close: close ?? null,
        closeStatus: close?.status ?? null,
        stage: deriveCloseStage({
          periodState: period.state,
          closeStatus: close?.status ?? null,
          yearState,
        }),
        lastTransition: last ?? null,
        openChecklistItems,
      };
    },
    { accessMode: 'read only', isolationLevel: 'repeatable read' },
  );
}
