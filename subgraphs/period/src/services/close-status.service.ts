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
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import { type PeriodActor, requirePermission } from './actor.ts';
import { banksReconciledOf, type ChecklistItem, computeChecklist } from './checklist.ts';
import type { PeriodCloseRow, PeriodTransitionRow, PostingPeriodRow } from './store.ts';
import { checkYearMonth } from './year-month.ts';

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
  /** Every bank account reconciled through month end; null when not computed or nothing to check. */
  banksReconciled: boolean | null;
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
  checkYearMonth(args);
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
      let items: ChecklistItem[] = [];
      if (args.withChecklist !== false && isOpenForClose(period.state)) {
        const company = await loadCompany(tx);
        items = await computeChecklist(tx, { period, baseCurrency: company.baseCurrency });
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
        openChecklistItems: items.filter((i) => i.status === 'OPEN'),
        banksReconciled: banksReconciledOf(items),
      };
    },
    { accessMode: 'read only', isolationLevel: 'repeatable read' },
  );
}

/** Every month of one client as the close board shows it, read in one snapshot (the projector's read). */
export interface ClientCloseSnapshot {
  /** The outbox rows (`close_board_changes`) this snapshot covers: the projector deletes exactly these. */
  changes: bigint[];
  /** When the snapshot was taken (the database's clock). */
  asOf: Date;
  months: PeriodCloseStatus[];
  /** Per period id, the entries posted in it on a fallback or overridden rate (absent: none). */
  staleRateEntries: Map<string, number>;
}

/**
 * Every posting period of a client with its close board line, as `periodCloseStatus` computes it one
 * month at a time, but in one read-only snapshot and a handful of statements; the checklist runs only
 * for months not yet LOCKED. Needs no actor: it is the system's own read (the firm's views check who
 * may see which client).
 */
export async function clientCloseSnapshot(db: TenantDb): Promise<ClientCloseSnapshot> {
  return db.transaction(
    async (tx) => {
      // First statement: the snapshot. Outbox rows committed after it stay for the next pass.
      const changes = await tx.select({ txid: tenant.closeBoardChanges.txid }).from(tenant.closeBoardChanges);
      const { rows } = await tx.execute<{ now: Date | string }>(sql`SELECT now() AS now`);
      const periods = await tx.select().from(tenant.postingPeriods).orderBy(tenant.postingPeriods.startDate);
      const years = await tx.select().from(tenant.fiscalYears);
      const closes = await tx
        .select()
        .from(tenant.periodCloses)
        .where(ne(tenant.periodCloses.status, 'REOPENED'));
      const lasts = await tx
        .selectDistinctOn([tenant.periodTransitions.periodId])
        .from(tenant.periodTransitions)
        .orderBy(tenant.periodTransitions.periodId, desc(tenant.periodTransitions.id));
      const yearState = new Map(years.map((y) => [y.year, y.state]));
      const closeOf = new Map(closes.map((c) => [c.periodId, c]));
      const lastOf = new Map(lasts.map((t) => [t.periodId, t]));
      const baseCurrency = periods.some((p) => isOpenForClose(p.state))
        ? (await loadCompany(tx)).baseCurrency
        : '';
      const months: PeriodCloseStatus[] = [];
      for (const period of periods) {
        const close = closeOf.get(period.id) ?? null;
        const fiscalYearState = yearState.get(period.fiscalYear) ?? 'OPEN';
        const items = isOpenForClose(period.state)
          ? await computeChecklist(tx, { period, baseCurrency })
          : [];
        months.push({
          period,
          periodState: period.state,
          fiscalYearState,
          close,
          closeStatus: close?.status ?? null,
          stage: deriveCloseStage({
            periodState: period.state,
            closeStatus: close?.status ?? null,
            yearState: fiscalYearState,
          }),
          lastTransition: lastOf.get(period.id) ?? null,
          openChecklistItems: items.filter((i) => i.status === 'OPEN'),
          banksReconciled: banksReconciledOf(items),
        });
      }
      return {
        changes: changes.map((c) => c.txid),
        asOf: new Date(rows[0]?.now ?? Date.now()),
        months,
        staleRateEntries: await staleRateEntriesByPeriod(tx),
      };
    },
    { accessMode: 'read only', isolationLevel: 'repeatable read' },
  );
}

/**
 * Per posting period, how many entries were posted on a fallback rate or an overridden one (the
 * lines `staleRateUsage` lists): the read model keeps the counts so the firm's stale-rate view reads
 * only the clients that have some. Through the partial indexes of tenant migration 0030, the cost
 * follows the number of such lines, not the ledger's size.
 */
async function staleRateEntriesByPeriod(tx: Pick<TenantDb, 'execute'>): Promise<Map<string, number>> {
  const { rows } = await tx.execute<{ period_id: string; entries: number }>(sql`
    WITH stale AS (
      SELECT entry_id, posting_date FROM gl_lines WHERE rate_is_fallback
      UNION
      SELECT l.entry_id, l.posting_date
        FROM exchange_rates r JOIN gl_lines l ON l.exchange_rate_id = r.id
       WHERE r.is_override
    )
    SELECT p.id AS period_id, count(DISTINCT s.entry_id)::int AS entries
      FROM stale s JOIN posting_periods p ON s.posting_date BETWEEN p.start_date AND p.end_date
     GROUP BY p.id`);
  return new Map(rows.map((r) => [r.period_id, Number(r.entries)]));
}
