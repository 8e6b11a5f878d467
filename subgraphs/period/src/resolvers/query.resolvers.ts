import { pageRows } from '@cifra/context';
import { tenant } from '@cifra/db';
import { asc, eq } from 'drizzle-orm';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { caller } from '../caller.ts';
import { batchForCaller, recentBatches } from '../services/batch-period-operation.service.ts';
import { closeBoard } from '../services/close-board.service.ts';
import { closeExceptions } from '../services/close-exceptions.service.ts';
import { periodsAsAt } from '../services/periods-as-at.service.ts';

export const Query: QueryResolvers = {
  periods: async (_p, { fiscalYear, asAt }, ctx) => {
    const db = await ctx.tenantDb();
    if (asAt != null) return periodsAsAt(db, fiscalYear, asAt instanceof Date ? asAt : new Date(asAt));
    return db
      .select()
      .from(tenant.postingPeriods)
      .where(eq(tenant.postingPeriods.fiscalYear, fiscalYear))
      .orderBy(asc(tenant.postingPeriods.periodNumber));
  },
  fiscalYears: async (_p, _a, ctx) => {
    const db = await ctx.tenantDb();
    return db.select().from(tenant.fiscalYears).orderBy(asc(tenant.fiscalYears.year));
  },
  // One per year of the client's books: read whole, answered a page at a time.
  fiscalYearsConnection: async (_p, args, ctx) => {
    const db = await ctx.tenantDb();
    const years = await db.select().from(tenant.fiscalYears);
    return pageRows(years, 'fiscal-year', (y) => [String(y.year).padStart(6, '0')], args, {
      default: 100,
      max: 500,
      keyParts: 1,
    });
  },
  closeBoard: (_p, { year, month, includeSandboxes, includeArchived }, ctx) =>
    closeBoard(
      ctx.firmView,
      { ...ctx.actor, ...caller(ctx) },
      { year, month, includeSandboxes, includeArchived },
    ),
  batchOperation: (_p, { id }, ctx) => batchForCaller(ctx.control, caller(ctx), id),
  batchOperations: (_p, { limit }, ctx) => recentBatches(ctx.control, caller(ctx), limit ?? 20),
  closeExceptions: (_p, args, ctx) => closeExceptions(ctx.firmView, caller(ctx), args),
};
