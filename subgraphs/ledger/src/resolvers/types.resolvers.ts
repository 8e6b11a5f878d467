import { formatMoney, reversalDateOf } from '@cifra/domain';
import type {
  AccountResolvers,
  JournalEntryResolvers,
  JournalLineResolvers,
} from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';

export const Account: AccountResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.account.load(ref.id),
  roles: (account, _a, ctx) => ctx.loaders.accountRoles.load(account.id),
};

async function totals(entryId: string, ctx: Context) {
  const [lines, company] = await Promise.all([ctx.loaders.linesOfEntry.load(entryId), ctx.loaders.company()]);
  const debit = lines.reduce((sum, l) => (l.amountMinor > 0n ? sum + l.amountMinor : sum), 0n);
  return formatMoney(debit, company.baseMinorUnits);
}

export const JournalEntry: JournalEntryResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.entry.load(ref.id),
  actualPostingDate: (e) => e.actualPostingDate,
  voided: async (e, _a, ctx) => (await ctx.loaders.voidOf.load(e.id)) !== null,
  void: (e, _a, ctx) => ctx.loaders.voidOf.load(e.id),
  reverses: (e, _a, ctx) => (e.reversesEntryId ? ctx.loaders.entry.load(e.reversesEntryId) : null),
  reverseOn: (e) => (e.autoReverse ? reversalDateOf(e.postingDate, e.reverseOn) : null),
  reversedBy: (e, _a, ctx) => ctx.loaders.reversalOf.load(e.id),
  currency: async (_e, _a, ctx) => (await ctx.loaders.company()).baseCurrency,
  lines: (e, _a, ctx) => ctx.loaders.linesOfEntry.load(e.id),
  // A balanced entry's debits equal its credits, so both totals are the sum of the debit side.
  totalDebit: (e, _a, ctx) => totals(e.id, ctx),
  totalCredit: (e, _a, ctx) => totals(e.id, ctx),
};

export const JournalLine: JournalLineResolvers = {
  account: (l, _a, ctx) => ctx.loaders.account.load(l.accountId),
  debit: async (l, _a, ctx) =>
    formatMoney(l.amountMinor > 0n ? l.amountMinor : 0n, (await ctx.loaders.company()).baseMinorUnits),
  credit: async (l, _a, ctx) =>
    formatMoney(l.amountMinor < 0n ? -l.amountMinor : 0n, (await ctx.loaders.company()).baseMinorUnits),
  // Unsigned, like debit and credit: the line's side is the same in both currencies.
  originalAmount: async (l, _a, ctx) => {
    const minor = l.originalAmountMinor < 0n ? -l.originalAmountMinor : l.originalAmountMinor;
    return formatMoney(minor, await ctx.loaders.minorUnits.load(l.originalCurrency));
  },
};
