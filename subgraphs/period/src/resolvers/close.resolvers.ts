import { CHECKPOINT_SECRET, type TenantDb, takeCheckpoint, tenant } from '@cifra/db';
import { parseId } from '@cifra/domain';
import { eq } from 'drizzle-orm';
import type { MutationResolvers, QueryResolvers, Resolvers } from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';
import { periodActor } from '../period-actor.ts';
import { type ChecklistItem, closeCheckCode } from '../services/checklist.ts';
import {
  approvePeriodClose,
  lockPeriod,
  markYearAudited,
  openFiscalYear,
  periodCloseStatus,
  rejectPeriodClose,
  reopenPeriod,
  startPeriodClose,
  submitPeriodClose,
} from '../services/index.ts';

/**
 * An approved month close checkpoints the client's chain head in the control plane (the daily job
 * does it too). The close has committed: a failed checkpoint is logged, not turned into a refusal.
 */
async function checkpointAfterClose(ctx: Context, db: TenantDb): Promise<void> {
  const secret = ctx.deps.registry.secret(CHECKPOINT_SECRET);
  if (!secret) return;
  try {
    await takeCheckpoint(ctx.deps.control, db, ctx.tenantId(), secret, 'month close approved');
  } catch (err) {
    ctx.log.error({ err }, 'the chain checkpoint after a month close failed');
  }
}

export const closeQueries: QueryResolvers = {
  periodCloseStatus: async (_p, { year, month }, ctx) =>
    periodCloseStatus(await ctx.tenantDb(), periodActor(ctx), { year, month }),
  periodClose: async (_p, { id }, ctx) => {
    const db = await ctx.tenantDb();
    const [row] = await db
      .select()
      .from(tenant.periodCloses)
      .where(eq(tenant.periodCloses.id, parseId(id, 'id')));
    return row ?? null;
  },
};

export const closeMutations: MutationResolvers = {
  lockPeriod: async (_p, { periodId, state }, ctx) =>
    lockPeriod(await ctx.tenantDb(), periodActor(ctx), { periodId: parseId(periodId, 'periodId'), state }),
  reopenPeriod: async (_p, { periodId, state, reason }, ctx) =>
    reopenPeriod(await ctx.tenantDb(), periodActor(ctx), {
      periodId: parseId(periodId, 'periodId'),
      state,
      reason,
    }),
  startPeriodClose: async (_p, { periodId }, ctx) =>
    startPeriodClose(await ctx.tenantDb(), periodActor(ctx), { periodId: parseId(periodId, 'periodId') }),
  submitPeriodClose: async (_p, { closeId }, ctx) =>
    submitPeriodClose(await ctx.tenantDb(), periodActor(ctx), { closeId: parseId(closeId, 'closeId') }),
  approvePeriodClose: async (_p, { closeId }, ctx) => {
    const db = await ctx.tenantDb();
    const close = await approvePeriodClose(db, periodActor(ctx), { closeId: parseId(closeId, 'closeId') });
    await checkpointAfterClose(ctx, db);
    return close;
  },
  rejectPeriodClose: async (_p, { closeId, reason }, ctx) =>
    rejectPeriodClose(await ctx.tenantDb(), periodActor(ctx), {
      closeId: parseId(closeId, 'closeId'),
      reason,
    }),
  openFiscalYear: async (_p, { year }, ctx) =>
    openFiscalYear(await ctx.tenantDb(), periodActor(ctx), { year }),
  markYearAudited: async (_p, { fiscalYear }, ctx) =>
    markYearAudited(await ctx.tenantDb(), periodActor(ctx), { fiscalYear }),
};

export const closeTypes: Pick<
  Resolvers,
  'PeriodClose' | 'PeriodCloseStatus' | 'PeriodStateTransition' | 'PeriodChecklistItem'
> = {
  PeriodChecklistItem: {
    checkCode: (i) => closeCheckCode(i.code),
  },
  PeriodClose: {
    period: async (close, _a, ctx) => {
      const db = await ctx.tenantDb();
      const [period] = await db
        .select()
        .from(tenant.postingPeriods)
        .where(eq(tenant.postingPeriods.id, close.periodId));
      return period!;
    },
    checklist: (close) => close.checklist as ChecklistItem[],
  },
  PeriodCloseStatus: {
    close: (row) => row.close,
  },
  PeriodStateTransition: {
    fromState: (t) => t.fromState as never,
    toState: (t) => t.toState as never,
    byUserId: (t) => t.actorId,
    byEmail: (t) => t.actorEmail,
    at: (t) => t.occurredAt,
  },
};
