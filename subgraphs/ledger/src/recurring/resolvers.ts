import { pageSize } from '@cifra/context';
import { formatMoney, parseId, parseIsoDate } from '@cifra/domain';
import { pendingReversals, postDueReversals } from '@cifra/engine';
import type {
  MutationResolvers,
  PendingReversalResolvers,
  QueryResolvers,
  RecurringEntryRunResolvers,
  RecurringEntryTemplateResolvers,
  RefusedReversalResolvers,
} from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';
import { booksOf } from '../services/books.ts';
import {
  clientToday,
  draftOf,
  linesOfTemplate,
  nextOccurrence,
  runsOfTemplate,
  templateOf,
  templatesOf,
} from './read.ts';
import { runRecurringEntries } from './run.ts';
import { createRecurringTemplate, endRecurringTemplate, updateRecurringTemplate } from './templates.ts';

/** `asOf` as given, or today in the client's time zone. */
async function asOfOrToday(ctx: Context, asOf: string | null | undefined) {
  return asOf ? parseIsoDate(asOf, 'asOf') : clientToday(await ctx.tenantDb());
}

export const recurringQueries: Pick<
  QueryResolvers,
  'recurringEntryTemplates' | 'recurringEntryTemplate' | 'pendingReversals'
> = {
  recurringEntryTemplates: async (_p, { includeEnded, first }, ctx) =>
    templatesOf(await ctx.tenantDb(), includeEnded ?? false, pageSize(first, 100, 500)),
  recurringEntryTemplate: async (_p, { id }, ctx) =>
    (await templateOf(await ctx.tenantDb(), parseId(id))) ?? null,
  pendingReversals: async (_p, { asOf, first }, ctx) =>
    pendingReversals(await ctx.tenantDb(), {
      to: await asOfOrToday(ctx, asOf),
      limit: pageSize(first, 100, 500),
    }),
};

export const recurringMutations: Pick<
  MutationResolvers,
  | 'createRecurringEntryTemplate'
  | 'updateRecurringEntryTemplate'
  | 'endRecurringEntryTemplate'
  | 'runRecurringEntries'
  | 'postDueReversals'
> = {
  createRecurringEntryTemplate: async (_p, { input }, ctx) => {
    const b = await booksOf(ctx);
    return createRecurringTemplate(b.db, b.company, b.actor, input);
  },
  updateRecurringEntryTemplate: async (_p, { id, input }, ctx) => {
    const b = await booksOf(ctx);
    return updateRecurringTemplate(b.db, b.company, b.actor, parseId(id), input);
  },
  endRecurringEntryTemplate: async (_p, { id }, ctx) =>
    endRecurringTemplate(await ctx.tenantDb(), ctx.actor, parseId(id)),
  runRecurringEntries: async (_p, { asOf }, ctx) => {
    const b = await booksOf(ctx);
    const autoPost = (await b.settings()).recurringEntriesAutoPost;
    return runRecurringEntries(b.db, b.company, b.actor, { asOf: await asOfOrToday(ctx, asOf), autoPost });
  },
  postDueReversals: async (_p, { asOf }, ctx) => {
    const day = await asOfOrToday(ctx, asOf);
    return { asOf: day, ...(await postDueReversals(await ctx.tenantDb(), ctx.actor, day)) };
  },
};

export const RecurringEntryTemplate: RecurringEntryTemplateResolvers<Context> = {
  // Shown as draft lines (account, debit, credit, memo): what each occurrence's draft will hold.
  lines: async (t, _a, ctx) =>
    (await linesOfTemplate(await ctx.tenantDb(), t.id)).map(({ templateId, ...l }) => ({
      ...l,
      draftId: templateId,
    })),
  totalDebit: async (t, _a, ctx) => {
    const lines = await linesOfTemplate(await ctx.tenantDb(), t.id);
    const debit = lines.reduce((s, l) => (l.amountMinor > 0n ? s + l.amountMinor : s), 0n);
    return formatMoney(debit, (await ctx.loaders.company()).baseMinorUnits);
  },
  nextOccurrence: async (t, _a, ctx) => nextOccurrence(t, await clientToday(await ctx.tenantDb())),
  runs: async (t, { first }, ctx) => runsOfTemplate(await ctx.tenantDb(), t.id, pageSize(first, 24, 500)),
};

export const RecurringEntryRun: RecurringEntryRunResolvers<Context> = {
  template: async (r, _a, ctx) => {
    const template = await templateOf(await ctx.tenantDb(), r.templateId);
    if (!template) throw new Error(`run ${r.id} of a missing template ${r.templateId}`);
    return template;
  },
  status: (r) => {
    if (r.status === 'PENDING') throw new Error(`run ${r.id} is PENDING outside its transaction`);
    return r.status;
  },
  draft: async (r, _a, ctx) =>
    r.draftId ? ((await draftOf(await ctx.tenantDb(), r.draftId)) ?? null) : null,
  entry: (r, _a, ctx) => (r.entryId ? ctx.loaders.entry.load(r.entryId) : null),
};

async function entryOf(entryId: string, ctx: Context) {
  const entry = await ctx.loaders.entry.load(entryId);
  if (!entry) throw new Error(`pending reversal of a missing entry ${entryId}`);
  return entry;
}

export const PendingReversal: PendingReversalResolvers<Context> = {
  entry: (p, _a, ctx) => entryOf(p.entryId, ctx),
};

export const RefusedReversal: RefusedReversalResolvers<Context> = {
  entry: (p, _a, ctx) => entryOf(p.entryId, ctx),
};
