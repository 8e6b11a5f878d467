import { formatMoney, parseIsoDate } from '@cifra/domain';
import type { GeneralLedgerLineResolvers, QueryResolvers } from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';
import { type Books, booksOf, inBooksSnapshot } from '../services/books.ts';
import {
  balanceSheet,
  incomeStatement,
  type StatementSection,
} from '../services/financial-statements.service.ts';
import { generalLedger } from '../services/general-ledger.service.ts';
import { revalueBalanceSheet, revalueBalances } from '../services/revaluation.service.ts';
import { rateLookup } from '../services/revaluation-rates.ts';
import { trialBalance } from '../services/trial-balance.service.ts';
import { formatRevaluation } from './revaluation.resolvers.ts';

async function base(ctx: Context) {
  const books = await booksOf(ctx);
  const money = (minor: bigint) => formatMoney(minor, books.company.baseMinorUnits);
  return { books, db: books.db, company: books.company, money };
}

/**
 * The unposted revaluation of the monetary foreign-currency balances, when `revalueAt` is asked,
 * read through `books` — the report's own snapshot, so that it revalues the balances it shows.
 */
async function revaluation(
  books: Books,
  asOf: string,
  asAt: Date | null,
  revalueAt: string | null | undefined,
) {
  if (!revalueAt) return null;
  const at = parseIsoDate(revalueAt, 'revalueAt');
  return revalueBalances(
    {
      db: books.db,
      baseCurrency: books.company.baseCurrency.trim(),
      baseMinorUnits: books.company.baseMinorUnits,
      minorUnits: (c) => books.minorUnits(c),
    },
    { asOf, asAt, revalueAt: at, lookup: await rateLookup(books) },
  );
}

const abs = (v: bigint) => (v < 0n ? -v : v);

function instant(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value);
}

const formatSection = (s: StatementSection, money: (m: bigint) => string) => ({
  rows: s.rows.map((r) => ({
    accountCode: r.accountCode,
    accountName: r.accountName,
    accountType: r.accountType,
    amount: money(r.amountMinor),
  })),
  total: money(s.totalMinor),
});

/** The read-only reports; each reads the caller's own client database and nothing else. */
export const reportQueries: Pick<
  QueryResolvers,
  'trialBalance' | 'generalLedger' | 'incomeStatement' | 'balanceSheet'
> = {
  trialBalance: async (_p, { asOf, asAt, revalueAt }, ctx) => {
    const { books, company, money } = await base(ctx);
    const at = instant(asAt);
    const date = parseIsoDate(asOf, 'asOf');
    const { revalued, rows } = await inBooksSnapshot(books, async (snapshot) => ({
      revalued: await revaluation(snapshot, date, at, revalueAt),
      rows: await trialBalance(snapshot.db, date, at),
    }));
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
      asAt: at,
      currency: company.baseCurrency,
      rows: out,
      totalDebit: money(debit),
      totalCredit: money(credit),
      revaluation:
        revalued && formatRevaluation(revalued, company.baseCurrency.trim(), company.baseMinorUnits),
    };
  },
  generalLedger: async (_p, args, ctx) => {
    const { db, company, money } = await base(ctx);
    const page = await generalLedger(db, args);
    const minorUnits = await Promise.all(
      page.lines.map((l) => ctx.loaders.minorUnits.load(l.originalCurrency)),
    );
    const edges = page.lines.map((l, i) => ({
      cursor: l.cursor,
      node: {
        postingDate: l.postingDate,
        entryId: l.entryId,
        entryNumber: l.entryNumber,
        memo: l.entryMemo,
        lineNumber: l.lineNumber,
        lineMemo: l.lineMemo,
        partyId: l.partyId,
        partyCode: l.partyCode,
        partyName: l.partyName,
        debit: money(l.amountMinor > 0n ? l.amountMinor : 0n),
        credit: money(l.amountMinor < 0n ? -l.amountMinor : 0n),
        originalCurrency: l.originalCurrency,
        originalAmount: formatMoney(abs(l.originalAmountMinor), minorUnits[i] as number),
        runningBalance: money(l.runningBalanceMinor),
      },
    }));
    return {
      account: await ctx.loaders.account.load(page.account.id),
      from: page.from,
      to: page.to,
      currency: company.baseCurrency,
      openingBalance: money(page.openingBalanceMinor),
      closingBalance: money(page.closingBalanceMinor),
      totalDebit: money(page.totalDebitMinor),
      totalCredit: money(page.totalCreditMinor),
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: page.hasPreviousPage,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  },
  incomeStatement: async (_p, { from, to }, ctx) => {
    const { db, company, money } = await base(ctx);
    const s = await incomeStatement(db, from, to);
    return {
      from: s.from,
      to: s.to,
      currency: company.baseCurrency,
      income: formatSection(s.income, money),
      expenses: formatSection(s.expenses, money),
      netIncome: money(s.netIncomeMinor),
    };
  },
  balanceSheet: async (_p, { asOf, asAt, revalueAt }, ctx) => {
    const { books, company, money } = await base(ctx);
    const at = instant(asAt);
    const { s, revalued } = await inBooksSnapshot(books, async (snapshot) => {
      const sheet = await balanceSheet(snapshot.db, asOf, at);
      return { s: sheet, revalued: await revaluation(snapshot, sheet.asOf, at, revalueAt) };
    });
    const sheet = revalued && revalueBalanceSheet(s, revalued);
    return {
      asOf: s.asOf,
      asAt: at,
      currency: company.baseCurrency,
      assets: formatSection(s.assets, money),
      liabilities: formatSection(s.liabilities, money),
      equity: formatSection(s.equity, money),
      currentEarnings: money(s.currentEarningsMinor),
      totalLiabilitiesAndEquity: money(s.totalLiabilitiesAndEquityMinor),
      revaluation:
        revalued && formatRevaluation(revalued, company.baseCurrency.trim(), company.baseMinorUnits),
      revalued: sheet && {
        assets: formatSection(sheet.assets, money),
        liabilities: formatSection(sheet.liabilities, money),
        equity: formatSection(sheet.equity, money),
        totalLiabilitiesAndEquity: money(sheet.totalLiabilitiesAndEquityMinor),
      },
    };
  },
};

export const GeneralLedgerLine: GeneralLedgerLineResolvers = {
  entry: (l, _a, ctx) => ctx.loaders.entry.load(l.entryId),
};
