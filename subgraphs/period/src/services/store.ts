import { type Actor, recordAuditEvent, type TenantDb, type TxOf, tenant } from '@cifra/db';
import { type CloseStatus, DomainError, type PeriodState } from '@cifra/domain';
import { and, asc, eq, ne, sql } from 'drizzle-orm';

export type TenantTx = TxOf<TenantDb>;
export type PostingPeriodRow = typeof tenant.postingPeriods.$inferSelect;
export type PeriodCloseRow = typeof tenant.periodCloses.$inferSelect;
export type FiscalYearRow = typeof tenant.fiscalYears.$inferSelect;
export type PeriodTransitionRow = typeof tenant.periodTransitions.$inferSelect;

export const periodLabel = (p: Pick<PostingPeriodRow, 'year' | 'month'>) =>
  `${p.year}-${String(p.month).padStart(2, '0')}`;

/**
 * One period row, held FOR NO KEY UPDATE: another transition waits for us. Postings are ordered
 * with transitions by the period's gate (`holdPeriodsForTransition`, taken before this), not by
 * this row lock, which stays compatible with the FOR KEY SHARE their foreign keys take.
 */
export async function periodForUpdate(tx: TenantTx, periodId: string): Promise<PostingPeriodRow> {
  const [period] = await tx
    .select()
    .from(tenant.postingPeriods)
    .where(eq(tenant.postingPeriods.id, periodId))
    .for('no key update');
  if (!period) throw new DomainError('PERIOD_NOT_FOUND', `No posting period ${periodId}`, { periodId });
  return period;
}

/** All periods of a fiscal year, in order, held FOR NO KEY UPDATE (always locked in this order: no deadlock). */
export async function yearPeriodsForUpdate(tx: TenantTx, fiscalYear: number): Promise<PostingPeriodRow[]> {
  return tx
    .select()
    .from(tenant.postingPeriods)
    .where(eq(tenant.postingPeriods.fiscalYear, fiscalYear))
    .orderBy(asc(tenant.postingPeriods.periodNumber))
    .for('no key update');
}

/**
 * The client's fiscal years, held by one transition at a time: the first thing every transition
 * whose rule reads a neighbouring year does (openFiscalYear, approveYearEndClose,
 * approveYearEndCloseReversal, markYearAudited), so each sees its neighbours as the one before it
 * left them, and years close and reopen in order whatever runs at once. SHARE ROW EXCLUSIVE
 * conflicts with itself and with writes to fiscal_years only: reads, FOR UPDATE and the foreign
 * keys of periods and entries pass it.
 */
export async function holdFiscalYears(tx: TenantTx): Promise<void> {
  await tx.execute(sql`LOCK TABLE fiscal_years IN SHARE ROW EXCLUSIVE MODE`);
}

export async function fiscalYearRow(tx: TenantTx, year: number, lock = false): Promise<FiscalYearRow> {
  const q = tx.select().from(tenant.fiscalYears).where(eq(tenant.fiscalYears.year, year));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw new DomainError('NOT_FOUND', `Fiscal year ${year} does not exist`, { fiscalYear: year });
  return row;
}

/** The period's live close (any status but REOPENED); at most one exists (unique index). */
export async function liveClose(tx: TenantTx, periodId: string): Promise<PeriodCloseRow | null> {
  const [row] = await tx
    .select()
    .from(tenant.periodCloses)
    .where(and(eq(tenant.periodCloses.periodId, periodId), ne(tenant.periodCloses.status, 'REOPENED')));
  return row ?? null;
}

export async function closeForUpdate(tx: TenantTx, closeId: string): Promise<PeriodCloseRow> {
  const [row] = await tx
    .select()
    .from(tenant.periodCloses)
    .where(eq(tenant.periodCloses.id, closeId))
    .for('update');
  if (!row) throw new DomainError('NOT_FOUND', `No period close ${closeId}`, { closeId });
  return row;
}

export async function setPeriodState(
  tx: TenantTx,
  periodId: string,
  state: PeriodState,
): Promise<PostingPeriodRow> {
  const [row] = await tx
    .update(tenant.postingPeriods)
    .set({ state })
    .where(eq(tenant.postingPeriods.id, periodId))
    .returning();
  if (!row) throw new Error(`posting period ${periodId} vanished`);
  return row;
}

export type TransitionAction =
  | 'LOCK'
  | 'START_CLOSE'
  | 'SUBMIT_CLOSE'
  | 'APPROVE_CLOSE'
  | 'REJECT_CLOSE'
  | 'REOPEN'
  | 'YEAR_END_CLOSE'
  | 'REVERSE_YEAR_END_CLOSE';

const AUDIT_ACTION: Record<TransitionAction, string> = {
  LOCK: 'period.locked',
  START_CLOSE: 'period_close.started',
  SUBMIT_CLOSE: 'period_close.submitted',
  APPROVE_CLOSE: 'period_close.approved',
  REJECT_CLOSE: 'period_close.rejected',
  REOPEN: 'period.reopened',
  YEAR_END_CLOSE: 'period.year_end_closed',
  REVERSE_YEAR_END_CLOSE: 'period.year_end_close_reversed',
};

/** The audit event's action a transition is recorded under (`period.locked`, `period_close.approved`…). */
export const transitionAuditAction = (action: TransitionAction): string => AUDIT_ACTION[action];

const CLOSE_ACTIONS = new Set<TransitionAction>([
  'START_CLOSE',
  'SUBMIT_CLOSE',
  'APPROVE_CLOSE',
  'REJECT_CLOSE',
]);

export interface TransitionRecord {
  action: TransitionAction;
  period: PostingPeriodRow;
  toState: PeriodState;
  close?: { id: string; from: CloseStatus | null; to: CloseStatus | null };
  reason?: string | null;
  /** Extra facts for the audit event (e.g. the checklist, the year-end close id). */
  details?: Record<string, unknown>;
  /** Write the row in the transition log but no audit event (the caller writes one for the batch). */
  auditSeparately?: boolean;
}

/**
 * One transition, recorded twice in the same transaction: a row in `period_transitions` (what the
 * board reads) and one audit event with the state before and after, the user and the reason.
 */
export async function recordTransition(tx: TenantTx, actor: Actor, t: TransitionRecord): Promise<void> {
  await tx.insert(tenant.periodTransitions).values({
    periodId: t.period.id,
    action: t.action,
    fromState: t.period.state,
    toState: t.toState,
    closeId: t.close?.id ?? null,
    closeStatusFrom: t.close?.from ?? null,
    closeStatusTo: t.close?.to ?? null,
    actorId: actor.userId,
    actorEmail: actor.email,
    reason: t.reason ?? null,
  });
  if (t.auditSeparately) return;
  const label = periodLabel(t.period);
  const onClose = t.close !== undefined && CLOSE_ACTIONS.has(t.action);
  await recordAuditEvent(tx, actor, {
    action: AUDIT_ACTION[t.action],
    entityType: onClose ? 'PeriodClose' : 'PostingPeriod',
    entityId: onClose ? t.close!.id : t.period.id,
    before: {
      period: label,
      periodId: t.period.id,
      state: t.period.state,
      ...(t.close ? { closeId: t.close.id, closeStatus: t.close.from } : {}),
    },
    after: {
      period: label,
      periodId: t.period.id,
      state: t.toState,
      ...(t.close ? { closeId: t.close.id, closeStatus: t.close.to } : {}),
      ...t.details,
    },
    reason: t.reason ?? null,
  });
}

export function refuse(
  r: { code: DomainError['code']; message: string },
  details: Record<string, unknown> = {},
): never {
  throw new DomainError(r.code, r.message, details);
}
