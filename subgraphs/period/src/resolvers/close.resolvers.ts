import { CHECKPOINT_SECRET, type TenantDb, takeCheckpoint, tenant } from '@cifra/db';
import { formatMoney, ISO_4217, parseId } from '@cifra/domain';
import { loadCompany } from '@cifra/engine';
import { eq } from 'drizzle-orm';
import type { MutationResolvers, QueryResolvers, Resolvers } from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';
import { fxVarianceModeOf, periodActor } from '../period-actor.ts';
import type { ChecklistItem } from '../services/checklist.ts';
import {
  approvePeriodClose,
  approveYearEndClose,
  approveYearEndCloseReversal,
  lockPeriod,
  markYearAudited,
  openFiscalYear,
  periodCloseStatus,
  prepareYearEndClose,
  rejectPeriodClose,
  reopenPeriod,
  requestYearEndCloseReversal,
  startPeriodClose,
  submitPeriodClose,
  type YearEndCloseDraft,
  yearEndCloseDraft,
  yearEndCloseReversals,
} from '../services/index.ts';

async function withCurrency(ctx: Context, draft: YearEndCloseDraft) {
  const company = await loadCompany(await ctx.tenantDb());
  return { ...draft, currency: company.baseCurrency, minorUnits: company.baseMinorUnits };
}

const fxMode = (ctx: Context) => fxVarianceModeOf(ctx.control, ctx.tenantId());

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
  yearEndCloseDraft: async (_p, { fiscalYear, draftId }, ctx) => {
    const db = await ctx.tenantDb();
    const args =
      draftId != null
        ? { draftId: parseId(draftId, 'draftId') }
        : { fiscalYear: fiscalYear ?? new Date().getUTCFullYear() };
    try {
      return await withCurrency(
        ctx,
        await yearEndCloseDraft(db, periodActor(ctx), { ...args, fxVarianceMode: await fxMode(ctx) }),
      );
    } catch (err) {
      if ((err as { code?: string }).code === 'NOT_FOUND') return null;
      throw err;
    }
  },
  yearEndCloseReversals: async (_p, { fiscalYear }, ctx) =>
    yearEndCloseReversals(await ctx.tenantDb(), periodActor(ctx), { fiscalYear }),
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
  prepareYearEndClose: async (_p, { fiscalYear }, ctx) =>
    withCurrency(
      ctx,
      await prepareYearEndClose(await ctx.tenantDb(), periodActor(ctx), {
        fiscalYear,
        fxVarianceMode: await fxMode(ctx),
      }),
    ),
  approveYearEndClose: async (_p, { draftId }, ctx) => {
    const db = await ctx.tenantDb();
    const actor = periodActor(ctx);
    const fxVarianceMode = await fxMode(ctx);
    const result = await approveYearEndClose(db, actor, {
      draftId: parseId(draftId, 'draftId'),
      fxVarianceMode,
    });
    return withCurrency(
      ctx,
      await yearEndCloseDraft(db, actor, { draftId: result.close.id, fxVarianceMode }),
    );
  },
  markYearAudited: async (_p, { fiscalYear }, ctx) =>
    markYearAudited(await ctx.tenantDb(), periodActor(ctx), { fiscalYear }),
  requestYearEndCloseReversal: async (_p, { fiscalYear, reason }, ctx) =>
    requestYearEndCloseReversal(await ctx.tenantDb(), periodActor(ctx), { fiscalYear, reason }),
  approveYearEndCloseReversal: async (_p, { requestId }, ctx) =>
    approveYearEndCloseReversal(await ctx.tenantDb(), periodActor(ctx), {
      requestId: parseId(requestId, 'requestId'),
    }),
};

const minorUnitsOf = (currency: string, fallback: number) =>
  ISO_4217.find((c) => c.code === currency)?.minorUnits ?? fallback;

export const closeTypes: Pick<
  Resolvers,
  'PeriodClose' | 'PeriodCloseStatus' | 'PeriodStateTransition' | 'YearEndClose' | 'YearEndCloseLine'
> = {
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
  YearEndClose: {
    id: (d) => d.close.id,
    fiscalYear: (d) => d.close.fiscalYear,
    status: (d) => d.close.status,
    stale: (d) => d.stale,
    fingerprint: (d) => d.close.fingerprint,
    fxVarianceMode: (d) => d.close.fxVarianceMode,
    closingDate: (d) => d.close.closingDate,
    netIncome: (d) => formatMoney(d.close.netIncomeMinor, d.minorUnits),
    currency: (d) => d.currency,
    preparedByEmail: (d) => d.close.preparedByEmail,
    preparedAt: (d) => d.close.preparedAt,
    approvedByEmail: (d) => d.close.approvedByEmail,
    approvedAt: (d) => d.close.approvedAt,
    closingEntryId: (d) => d.close.closingEntryId,
    reversalEntryId: (d) => d.close.reversalEntryId,
    lines: (d) => d.lines.map((l) => ({ ...l, minorUnits: d.minorUnits })),
  },
  YearEndCloseLine: {
    kind: (l) => l.group,
    debit: (l) => formatMoney(l.amountMinor > 0n ? l.amountMinor : 0n, l.minorUnits),
    credit: (l) => formatMoney(l.amountMinor < 0n ? -l.amountMinor : 0n, l.minorUnits),
    originalAmount: (l) => formatMoney(l.originalAmountMinor, minorUnitsOf(l.originalCurrency, l.minorUnits)),
  },
};
