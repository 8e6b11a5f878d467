import { tenant } from '@cifra/db';
import { type CloseStatus, DomainError, type PeriodState } from '@cifra/domain';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { BatchAction, ClientCloseRow, ClientPeriodPort } from './client-period.port.ts';
import { clientCloseSnapshot, type PeriodCloseStatus, periodCloseStatus } from './close-status.service.ts';
import { approvePeriodClose, startPeriodClose, submitPeriodClose } from './period-close.service.ts';
import { lockPeriod } from './period-transitions.service.ts';
import { type TransitionAction, transitionAuditAction } from './store.ts';

/** The transition of the client's machine a batch action is. */
const TRANSITION: Record<BatchAction, TransitionAction> = {
  LOCK_SALES: 'LOCK',
  LOCK_PURCHASING: 'LOCK',
  LOCK_SALES_AND_PURCHASING: 'LOCK',
  START_CLOSE: 'START_CLOSE',
  SUBMIT_CLOSE: 'SUBMIT_CLOSE',
  APPROVE_CLOSE: 'APPROVE_CLOSE',
};

export * from './client-period.port.ts';

function closeRow(s: PeriodCloseStatus): ClientCloseRow {
  return {
    periodId: s.period.id,
    periodState: s.periodState,
    closeStatus: s.closeStatus,
    stage: s.stage,
    lastTransition: s.lastTransition
      ? {
          action: s.lastTransition.action,
          actorId: s.lastTransition.actorId,
          actorEmail: s.lastTransition.actorEmail,
          at: s.lastTransition.occurredAt,
        }
      : null,
    openChecklistItems: s.openChecklistItems.map((i) => ({
      code: i.code,
      description: `${i.label}: ${i.detail}`,
    })),
    banksReconciled: s.banksReconciled,
  };
}

const NO_PERIOD: ClientCloseRow = {
  periodId: null,
  periodState: null,
  closeStatus: null,
  stage: null,
  lastTransition: null,
  openChecklistItems: [],
  banksReconciled: null,
};

/**
 * The firm's view drives each client through the client's own period services: they check the
 * acting user's permissions on that client, enforce the state machine and the four-eyes rule, and
 * audit every transition in the client's database (with the actor's request id, which is how a
 * batch item recognises its own earlier attempt).
 */
export const clientPeriodPort: ClientPeriodPort = {
  async readCloseRow(db, actor, at) {
    try {
      return closeRow(await periodCloseStatus(db, actor, at));
    } catch (err) {
      if (err instanceof DomainError && err.code === 'PERIOD_NOT_FOUND') return NO_PERIOD;
      throw err;
    }
  },

  async readClientMonths(db) {
    const s = await clientCloseSnapshot(db);
    return {
      changes: s.changes,
      asOf: s.asOf,
      months: s.months.map((m) => ({
        year: m.period.year,
        month: m.period.month,
        endDate: m.period.endDate,
        submittedAt: m.close?.status === 'PENDING_APPROVAL' ? m.close.submittedAt : null,
        staleRateEntries: s.staleRateEntries.get(m.period.id) ?? 0,
        row: closeRow(m),
      })),
    };
  },

  async apply(db, actor, { year, month, action }) {
    switch (action) {
      case 'LOCK_SALES':
      case 'LOCK_PURCHASING':
      case 'LOCK_SALES_AND_PURCHASING': {
        const [period] = await db
          .select({ id: tenant.postingPeriods.id })
          .from(tenant.postingPeriods)
          .where(and(eq(tenant.postingPeriods.year, year), eq(tenant.postingPeriods.month, month)));
        if (!period) throw new DomainError('PERIOD_NOT_FOUND', `No posting period for ${year}-${month}`);
        await lockPeriod(db, actor, { periodId: period.id, state: action });
        return;
      }
      case 'START_CLOSE': {
        const s = await periodCloseStatus(db, actor, { year, month, withChecklist: false });
        await startPeriodClose(db, actor, { periodId: s.period.id });
        return;
      }
      case 'SUBMIT_CLOSE':
      case 'APPROVE_CLOSE': {
        const s = await periodCloseStatus(db, actor, { year, month, withChecklist: false });
        if (!s.close) {
          throw new DomainError(
            'CLOSE_REQUIRED',
            `No close was started for ${year}-${String(month).padStart(2, '0')}`,
          );
        }
        if (action === 'SUBMIT_CLOSE') await submitPeriodClose(db, actor, { closeId: s.close.id });
        else await approvePeriodClose(db, actor, { closeId: s.close.id });
        return;
      }
    }
  },

  async appliedEarlier(db, actor, { year, month, action }) {
    if (!actor.userId || !actor.requestId) return null;
    const [period] = await db
      .select({ id: tenant.postingPeriods.id })
      .from(tenant.postingPeriods)
      .where(and(eq(tenant.postingPeriods.year, year), eq(tenant.postingPeriods.month, month)));
    if (!period) return null;
    const e = tenant.auditEvents;
    const transition = TRANSITION[action];
    // The request id alone proves nothing: a caller's own may be made to look like it, on any
    // event they can cause. The transition's event is written only by the transition itself, as
    // the actor, on the month (recordTransition in store.ts); a lock names the state it moved to.
    const [hit] = await db
      .select({ before: e.before })
      .from(e)
      .where(
        and(
          eq(e.requestId, actor.requestId),
          eq(e.actorId, actor.userId),
          eq(e.action, transitionAuditAction(transition)),
          sql`${e.before}->>'periodId' = ${period.id}`,
          transition === 'LOCK' ? sql`${e.after}->>'state' = ${action}` : undefined,
        ),
      )
      .orderBy(asc(e.id))
      .limit(1);
    if (!hit) return null;
    const before = (hit.before ?? {}) as { state?: PeriodState; closeStatus?: CloseStatus | null };
    return {
      before: before.state ? { periodState: before.state, closeStatus: before.closeStatus ?? null } : null,
    };
  },

  async pendingApprovals(db) {
    const rows = await db
      .select({
        year: tenant.postingPeriods.year,
        month: tenant.postingPeriods.month,
        submittedAt: tenant.periodCloses.submittedAt,
        submittedBy: tenant.periodCloses.submittedByEmail,
      })
      .from(tenant.periodCloses)
      .innerJoin(tenant.postingPeriods, eq(tenant.postingPeriods.id, tenant.periodCloses.periodId))
      .where(eq(tenant.periodCloses.status, 'PENDING_APPROVAL'));
    return rows.flatMap((r) => (r.submittedAt ? [{ ...r, submittedAt: r.submittedAt }] : []));
  },
};
