import { formatMoney, parseId } from '@cifra/domain';
import type {
  DocumentResolvers,
  MutationResolvers,
  OpeningBalanceImportResolvers,
  QueryResolvers,
} from '../__generated__/resolvers.ts';
import { booksOf } from '../services/books.ts';
import { importOpeningBalances } from './import.ts';
import { openingCredits, openingImport, openingImports, openingItems } from './queries.ts';
import { voidOpeningBalances } from './void.ts';

export const openingQueries: Pick<QueryResolvers, 'openingBalanceImports'> = {
  openingBalanceImports: async (_p, _a, ctx) => openingImports(await ctx.tenantDb()),
};

export const openingMutations: Pick<MutationResolvers, 'importOpeningBalances' | 'voidOpeningBalances'> = {
  importOpeningBalances: async (_p, { input }, ctx) => {
    const books = await booksOf(ctx);
    const outcome = await importOpeningBalances(books, input);
    const money = (m: bigint) => formatMoney(m, books.company.baseMinorUnits);
    const { plan } = outcome;
    return {
      dryRun: outcome.dryRun,
      problems: outcome.problems,
      totalDebit: money(plan.totalDebitMinor),
      totalCredit: money(plan.totalCreditMinor),
      receivable: money(plan.receivableMinor),
      payable: money(plan.payableMinor),
      customerCredits: money(plan.customerCreditsMinor),
      vendorCredits: money(plan.vendorCreditsMinor),
      openItemCount: input.openItems?.length ?? 0,
      openCreditCount: input.openCredits?.length ?? 0,
      import: outcome.imported,
    };
  },
  voidOpeningBalances: async (_p, { id, reason, voidDate }, ctx) =>
    voidOpeningBalances(await booksOf(ctx), parseId(id), reason, voidDate),
};

export const OpeningBalanceImport: OpeningBalanceImportResolvers = {
  entry: (r, _a, ctx) => ctx.loaders.entry.load(r.entryId),
  clearingAccount: (r, _a, ctx) =>
    r.clearingAccountId ? ctx.loaders.account.load(r.clearingAccountId) : null,
  openItems: async (r, _a, ctx) => openingItems(await ctx.tenantDb(), r.id),
  openCredits: async (r, _a, ctx) => openingCredits(await ctx.tenantDb(), r.id),
  voided: (r) => r.voidedAt !== null,
};

/** An open item's original amount and its import. */
export const openingDocumentFields: Pick<DocumentResolvers, 'originalTotal' | 'openingBalanceImport'> = {
  originalTotal: async (d, _a, ctx) =>
    d.originalTotalMinor === null
      ? null
      : formatMoney(d.originalTotalMinor, await ctx.loaders.minorUnits.load(d.currency)),
  openingBalanceImport: async (d, _a, ctx) =>
    d.openingImportId ? ((await openingImport(await ctx.tenantDb(), d.openingImportId)) ?? null) : null,
};
