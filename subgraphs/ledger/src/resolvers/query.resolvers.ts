import { tenant } from '@cifra/db';
import { formatMoney } from '@cifra/domain';
import { asc, eq } from 'drizzle-orm';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { trialBalance } from '../services/trial-balance.service.ts';

export const Query: QueryResolvers = {
  accounts: async (_p, _a, ctx) => {
    const db = await ctx.tenantDb();
    return db.select().from(tenant.accounts).orderBy(asc(tenant.accounts.code));
  },
  journalEntry: async (_p, { id }, ctx) => {
    const db = await ctx.tenantDb();
    const [entry] = await db.select().from(tenant.journalEntries).where(eq(tenant.journalEntries.id, id));
    return entry ?? null;
  },
  trialBalance: async (_p, { asOf }, ctx) => {
    const [db, company] = await Promise.all([ctx.tenantDb(), ctx.loaders.company()]);
    const rows = await trialBalance(db, asOf);
    const money = (minor: bigint) => formatMoney(minor, company.baseMinorUnits);
    let debit = 0n;
    let credit = 0n;
    const out = rows.map((r) => {
      const d = r.balanceMinor > 0n ? r.balanceMinor : 0n;
      const c = r.balanceMinor < 0n ? -r.balanceMinor : 0n;
      debit += d;
      credit += c;
      return {
        accountCode: r.accountCode,
        accountName: r.accountName,
        accountType: r.accountType,
        debit: money(d),
        credit: money(c),
      };
    });
    return {
      asOf,
      currency: company.baseCurrency,
      rows: out,
      totalDebit: money(debit),
      totalCredit: money(credit),
    };
  },
};
