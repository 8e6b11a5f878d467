import { pageSize } from '@cifra/context';
import { tenant } from '@cifra/db';
import { formatMoney, parseId } from '@cifra/domain';
import { desc, eq } from 'drizzle-orm';
import type {
  JournalDraftLineResolvers,
  JournalEntryDraftResolvers,
  JournalEntryVoidResolvers,
  MutationResolvers,
  QueryResolvers,
} from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';
import {
  approveJournalEntry,
  createJournalEntryDraft,
  discardJournalEntryDraft,
  updateJournalEntryDraft,
} from '../services/journal-drafts.service.ts';
import { voidJournalEntry } from '../services/void-journal-entry.service.ts';

const base = async (ctx: Context) => (await ctx.loaders.company()).baseMinorUnits;

export const journalQueries: QueryResolvers = {
  journalEntryDrafts: async (_p, { status, first }, ctx) => {
    const limit = pageSize(first, 100, 500);
    const db = await ctx.tenantDb();
    return db
      .select()
      .from(tenant.journalDrafts)
      .where(status ? eq(tenant.journalDrafts.status, status) : undefined)
      .orderBy(desc(tenant.journalDrafts.createdAt), desc(tenant.journalDrafts.id))
      .limit(limit);
  },
  journalEntryDraft: async (_p, { id }, ctx) => {
    const db = await ctx.tenantDb();
    const [draft] = await db
      .select()
      .from(tenant.journalDrafts)
      .where(eq(tenant.journalDrafts.id, parseId(id)));
    return draft ?? null;
  },
};

export const journalMutations: MutationResolvers = {
  createJournalEntryDraft: async (_p, { input }, ctx) => {
    const [db, company] = await Promise.all([ctx.tenantDb(), ctx.loaders.company()]);
    return createJournalEntryDraft(db, company, ctx.actor, input);
  },
  updateJournalEntryDraft: async (_p, { id, input }, ctx) => {
    const [db, company] = await Promise.all([ctx.tenantDb(), ctx.loaders.company()]);
    return updateJournalEntryDraft(db, company, ctx.actor, parseId(id), input);
  },
  discardJournalEntryDraft: async (_p, { id }, ctx) =>
    discardJournalEntryDraft(await ctx.tenantDb(), ctx.actor, parseId(id)),
  approveJournalEntry: async (_p, { id }, ctx) => {
    const [db, company] = await Promise.all([ctx.tenantDb(), ctx.loaders.company()]);
    return approveJournalEntry(db, company, ctx.actor, parseId(id));
  },
  voidJournalEntry: async (_p, args, ctx) =>
    voidJournalEntry(await ctx.tenantDb(), ctx.actor, { ...args, id: parseId(args.id) }),
};

async function draftTotal(draftId: string, side: 1n | -1n, ctx: Context) {
  const lines = await ctx.loaders.linesOfDraft.load(draftId);
  const sum = lines.reduce((s, l) => (l.amountMinor * side > 0n ? s + l.amountMinor * side : s), 0n);
  return formatMoney(sum, await base(ctx));
}

export const JournalEntryDraft: JournalEntryDraftResolvers = {
  lines: (d, _a, ctx) => ctx.loaders.linesOfDraft.load(d.id),
  totalDebit: (d, _a, ctx) => draftTotal(d.id, 1n, ctx),
  totalCredit: (d, _a, ctx) => draftTotal(d.id, -1n, ctx),
  balanced: async (d, _a, ctx) => {
    const lines = await ctx.loaders.linesOfDraft.load(d.id);
    return lines.length >= 2 && lines.reduce((s, l) => s + l.amountMinor, 0n) === 0n;
  },
  entry: (d, _a, ctx) => (d.entryId ? ctx.loaders.entry.load(d.entryId) : null),
};

export const JournalDraftLine: JournalDraftLineResolvers = {
  account: (l, _a, ctx) => ctx.loaders.account.load(l.accountId),
  debit: async (l, _a, ctx) => formatMoney(l.amountMinor > 0n ? l.amountMinor : 0n, await base(ctx)),
  credit: async (l, _a, ctx) => formatMoney(l.amountMinor < 0n ? -l.amountMinor : 0n, await base(ctx)),
};

export const JournalEntryVoid: JournalEntryVoidResolvers = {
  reversal: async (v, _a, ctx) => {
    const reversal = await ctx.loaders.entry.load(v.reversalEntryId);
    if (!reversal) throw new Error(`reversal ${v.reversalEntryId} of a void is missing`);
    return reversal;
  },
};
