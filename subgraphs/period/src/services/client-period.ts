import { tenant } from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { and, eq } from 'drizzle-orm';
import type { ClientCloseRow, ClientPeriodPort } from './client-period.port.ts';
import { clientCloseSnapshot, type PeriodCloseStatus, periodCloseStatus } from './close-status.service.ts';
import { approvePeriodClose, startPeriodClose, submitPeriodClose } from './period-close.service.ts';
import { lockPeriod } from './period-transitions.service.ts';

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
