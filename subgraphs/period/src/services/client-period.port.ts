import { type Actor, inTransaction, recordAuditEvent, type TenantDb, type TxOf, tenant } from '@cifra/db';
import { DomainError, type PeriodState } from '@cifra/domain';
import type { Permission } from '@cifra/permissions';
import { and, desc, eq, inArray } from 'drizzle-orm';

/**
 * The narrow seam between the firm's view (close board, batch operations, exceptions) and one
 * client's period machine. The firm's view never touches a client's period tables except through
 * these two functions, so the per-client rules (state machine, four eyes, checklist) stay in one
 * place and the fan-out code stays about fan-out.
 */

export const BatchActions = [
  'LOCK_SALES',
  'LOCK_PURCHASING',
  'LOCK_SALES_AND_PURCHASING',
  'START_CLOSE',
  'SUBMIT_CLOSE',
  'APPROVE_CLOSE',
] as const;
export type BatchAction = (typeof BatchActions)[number];

export const CloseStages = [
  'OPEN',
  'DRAFT',
  'PENDING_APPROVAL',
  'CLOSED',
  'YEAR_CLOSED',
  'YEAR_AUDITED',
] as const;
export type CloseStage = (typeof CloseStages)[number];

export interface ClientTransition {
  action: string;
  actorId: string | null;
  actorEmail: string | null;
  at: Date;
}

export interface ClientChecklistItem {
  code: string;
  description: string;
}

/** One client's line on the close board for one month. */
export interface ClientCloseRow {
  /** Null when the client has no period for that month (its fiscal year is not open yet). */
  periodId: string | null;
  periodState: PeriodState | null;
  /** The month-end close's status (DRAFT, PENDING_APPROVAL, …), null when none was started. */
  closeStatus: string | null;
  stage: CloseStage | null;
  lastTransition: ClientTransition | null;
  openChecklistItems: ClientChecklistItem[];
}

export interface YearMonth {
  year: number;
  month: number;
}

/** A client database handle, or a transaction on one. */
export type TenantReader = TenantDb | TxOf<TenantDb>;

/** Who acts on a client, with their permissions there (the client's services check them). */
export interface ClientActor extends Actor {
  permissions: readonly Permission[];
}

export interface ClientPeriodPort {
  readCloseRow(db: TenantDb, actor: ClientActor, at: YearMonth): Promise<ClientCloseRow>;
  /** Apply one forward transition in one audited transaction; refusals are DomainErrors. */
  apply(db: TenantDb, actor: ClientActor, args: YearMonth & { action: BatchAction }): Promise<void>;
  /** Closes submitted and still waiting for approval, with when they were submitted. */
  pendingApprovals(
    db: TenantReader,
  ): Promise<(YearMonth & { submittedAt: Date; submittedBy: string | null })[]>;
}

/** The dashboard stage, derived from the posting state, the close workflow and the fiscal year. */
export function deriveStage(
  periodState: PeriodState,
  closeStatus: string | null,
  yearState: 'OPEN' | 'CLOSED' | 'AUDITED',
): CloseStage {
  if (yearState === 'AUDITED') return 'YEAR_AUDITED';
  if (yearState === 'CLOSED' || periodState === 'CLOSED') return 'YEAR_CLOSED';
  if (periodState === 'LOCKED') return 'CLOSED';
  if (closeStatus === 'PENDING_APPROVAL') return 'PENDING_APPROVAL';
  if (closeStatus === 'DRAFT') return 'DRAFT';
  return 'OPEN';
}

const PAST_LOCK: Record<'LOCK_SALES' | 'LOCK_PURCHASING' | 'LOCK_SALES_AND_PURCHASING', PeriodState[]> = {
  LOCK_SALES: ['LOCK_SALES', 'LOCK_SALES_AND_PURCHASING', 'LOCKED', 'CLOSED'],
  LOCK_PURCHASING: ['LOCK_PURCHASING', 'LOCK_SALES_AND_PURCHASING', 'LOCKED', 'CLOSED'],
  LOCK_SALES_AND_PURCHASING: ['LOCK_SALES_AND_PURCHASING', 'LOCKED', 'CLOSED'],
};

/**
 * Whether a client is already where the action would take it, so a batch reports SKIPPED instead
 * of asking the state machine for a move it would refuse. Anything else is left to the machine.
 */
export function alreadyDone(action: BatchAction, row: ClientCloseRow): boolean {
  const state = row.periodState;
  if (state === null) return false;
  const finished = state === 'LOCKED' || state === 'CLOSED';
  switch (action) {
    case 'LOCK_SALES':
    case 'LOCK_PURCHASING':
    case 'LOCK_SALES_AND_PURCHASING':
      return PAST_LOCK[action].includes(state);
    case 'START_CLOSE':
      return finished || row.closeStatus === 'DRAFT' || row.closeStatus === 'PENDING_APPROVAL';
    case 'SUBMIT_CLOSE':
      return finished || row.closeStatus === 'PENDING_APPROVAL';
    case 'APPROVE_CLOSE':
      return finished;
  }
}

async function findPeriod(db: TenantReader, at: YearMonth) {
  const [period] = await db
    .select()
    .from(tenant.postingPeriods)
    .where(and(eq(tenant.postingPeriods.year, at.year), eq(tenant.postingPeriods.month, at.month)));
  return period ?? null;
}

/**
 * Stand-in until the per-client close machine lands: reads the posting state and the last audited
 * transition of the period; applies the forward lock moves only.
 */
export const interimClientPeriodPort: ClientPeriodPort = {
  async pendingApprovals() {
    return [];
  },
  async readCloseRow(db, _actor, at) {
    const period = await findPeriod(db, at);
    if (!period) {
      return {
        periodId: null,
        periodState: null,
        closeStatus: null,
        stage: null,
        lastTransition: null,
        openChecklistItems: [],
      };
    }
    const [year] = await db
      .select()
      .from(tenant.fiscalYears)
      .where(eq(tenant.fiscalYears.year, period.fiscalYear));
    const [last] = await db
      .select()
      .from(tenant.auditEvents)
      .where(
        and(eq(tenant.auditEvents.entityType, 'PostingPeriod'), eq(tenant.auditEvents.entityId, period.id)),
      )
      .orderBy(desc(tenant.auditEvents.id))
      .limit(1);
    return {
      periodId: period.id,
      periodState: period.state,
      closeStatus: null,
      stage: deriveStage(period.state, null, year?.state ?? 'OPEN'),
      lastTransition: last
        ? { action: last.action, actorId: last.actorId, actorEmail: last.actorEmail, at: last.occurredAt }
        : null,
      openChecklistItems: [],
    };
  },
  async apply(db, actor, { year, month, action }) {
    if (action !== 'LOCK_SALES' && action !== 'LOCK_PURCHASING' && action !== 'LOCK_SALES_AND_PURCHASING') {
      throw new DomainError('CONFLICT', `${action} is not available yet`);
    }
    const from: PeriodState[] =
      action === 'LOCK_SALES_AND_PURCHASING' ? ['LOCK_SALES', 'LOCK_PURCHASING'] : ['UNLOCKED'];
    await inTransaction(db, actor, async (tx) => {
      const [period] = await tx
        .select()
        .from(tenant.postingPeriods)
        .where(and(eq(tenant.postingPeriods.year, year), eq(tenant.postingPeriods.month, month)))
        .for('update');
      if (!period) throw new DomainError('PERIOD_NOT_FOUND', `No period for ${year}-${month}`);
      if (!from.includes(period.state)) {
        throw new DomainError('CONFLICT', `Cannot move ${year}-${month} from ${period.state} to ${action}`);
      }
      await tx
        .update(tenant.postingPeriods)
        .set({ state: action })
        .where(and(eq(tenant.postingPeriods.id, period.id), inArray(tenant.postingPeriods.state, from)));
      await recordAuditEvent(tx, actor, {
        action: 'period.locked',
        entityType: 'PostingPeriod',
        entityId: period.id,
        before: { state: period.state },
        after: { state: action },
      });
    });
  },
};
