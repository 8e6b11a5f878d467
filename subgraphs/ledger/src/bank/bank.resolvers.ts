import { pageRows } from '@cifra/context';
import { formatMoney, parseIsoDate } from '@cifra/domain';
import type { Resolvers } from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';
import { booksOf } from '../services/books.ts';
import { bindBankAccount, requireBankAccount, setCsvMapping, toModel } from './accounts.ts';
import { bookLinesByIds } from './books-store.ts';
import { createEntryFromBankLine, ruleAccountFor } from './create-entry.ts';
import { deleteBankStatement } from './delete-statement.ts';
import type { CsvMapping } from './formats/csv.ts';
import { importBankStatement } from './import.ts';
import { acceptBankMatches, matchBankLines, unmatchBankLines } from './match.ts';
import { matchById, matchItems, rulesFor } from './match-store.ts';
import { createBankRule, setBankRuleActive } from './matching-rules.ts';
import type { BankStatementLineModel, BankStatementModel } from './models.ts';
import {
  bankReconciliation,
  differenceOf,
  isReconciled,
  statementReconciled,
  suggestMatches,
} from './reconcile.ts';
import {
  accountById,
  bankAccountOf,
  linesOf,
  statementById,
  statementLinesByIds,
  statementsOf,
} from './store.ts';

/** Resolvers of the bank feature: parse, call a use case, map — no database code here. */

type MappingInput = Partial<CsvMapping> & { dateColumn: string; dateFormat: CsvMapping['dateFormat'] };
const mappingOf = (m: MappingInput): CsvMapping => ({
  ...m,
  delimiter: m.delimiter ?? ',',
  decimalSeparator: m.decimalSeparator ?? 'POINT',
});

const money = (minor: bigint, units: number) => formatMoney(minor, units);
const pad = (n: number | bigint) => n.toString().padStart(20, '0');
const linePage = (
  rows: BankStatementLineModel[],
  args: { first?: number | null; after?: string | null },
  tag: string,
) =>
  pageRows(rows, tag, (l) => [l.bookingDate, pad(l.lineNumber), l.id], args, {
    default: 100,
    max: 1_000,
    keyParts: 3,
  });

async function statementModel(ctx: Context, id: string): Promise<BankStatementModel | null> {
  const books = await booksOf(ctx);
  const s = await statementById(books.db, id);
  if (!s) return null;
  const bank = await toModel(books, (await bankAccountOf(books.db, s.bankAccountId))!);
  return { ...s, currency: bank.currency, minorUnits: bank.minorUnits };
}

export const bankResolvers: Resolvers = {
  Query: {
    bankAccounts: async (_r, _a, ctx) => {
      const books = await booksOf(ctx);
      const { listBankAccounts } = await import('./store.ts');
      return Promise.all((await listBankAccounts(books.db)).map((b) => toModel(books, b)));
    },
    bankAccount: async (_r, args, ctx) => {
      const books = await booksOf(ctx);
      try {
        return await requireBankAccount(books, args.accountCode);
      } catch (err) {
        if (
          (err as { code?: string }).code === 'NOT_A_BANK_ACCOUNT' ||
          (err as { code?: string }).code === 'NOT_FOUND'
        )
          return null;
        throw err;
      }
    },
    bankStatement: (_r, args, ctx) => statementModel(ctx, args.id),
    bankMatchSuggestions: async (_r, args, ctx) => {
      const rows = await suggestMatches(await booksOf(ctx), args.accountCode, args.windowDays ?? 7);
      return pageRows(rows, 'bank-suggestions', (s) => [pad(rows.indexOf(s)), s.statementLine.id], args, {
        default: 100,
        max: 1_000,
      });
    },
    bankReconciliation: async (_r, args, ctx) =>
      bankReconciliation(await booksOf(ctx), args.accountCode, parseIsoDate(args.asOf, 'asOf')),
  },
  Mutation: {
    bindBankAccount: async (_r, args, ctx) => bindBankAccount(await booksOf(ctx), args.input),
    setBankCsvMapping: async (_r, args, ctx) =>
      setCsvMapping(await booksOf(ctx), args.accountCode, mappingOf(args.mapping as MappingInput)),
    importBankStatement: async (_r, args, ctx) =>
      importBankStatement(await booksOf(ctx), {
        ...args.input,
        csvMapping: args.input.csvMapping ? mappingOf(args.input.csvMapping as MappingInput) : null,
      }),
    matchBankLines: async (_r, args, ctx) => matchBankLines(await booksOf(ctx), args.input),
    acceptBankMatches: async (_r, args, ctx) => acceptBankMatches(await booksOf(ctx), args.matches),
    createEntryFromBankLine: async (_r, args, ctx) => createEntryFromBankLine(await booksOf(ctx), args.input),
    unmatchBankLines: async (_r, args, ctx) =>
      unmatchBankLines(await booksOf(ctx), args.matchId, args.reason),
    createBankRule: async (_r, args, ctx) => createBankRule(await booksOf(ctx), args.input),
    deleteBankStatement: async (_r, args, ctx) =>
      deleteBankStatement(await booksOf(ctx), args.statementId, args.reason),
    deactivateBankRule: async (_r, args, ctx) => setBankRuleActive(await booksOf(ctx), args.ruleId, false),
    reactivateBankRule: async (_r, args, ctx) => setBankRuleActive(await booksOf(ctx), args.ruleId, true),
  },
  BankAccount: {
    account: async (b, _a, ctx) => (await ctx.loaders.account.load(b.accountId))!,
    csvMapping: (b) => (b.csvMapping as CsvMapping | null) ?? null,
    statements: async (b, args, ctx) => {
      const books = await booksOf(ctx);
      const rows = (await statementsOf(books.db, b.accountId)).map((s) => ({
        ...s,
        currency: b.currency,
        minorUnits: b.minorUnits,
      }));
      return pageRows(rows, 'bank-statements', (s) => [pad(s.seq), s.id], args, { default: 50, max: 500 });
    },
    rules: async (b, args, ctx) => rulesFor((await booksOf(ctx)).db, b.accountId, !args.activeOnly),
  },
  BankStatement: {
    bankAccount: async (s, _a, ctx) => {
      const books = await booksOf(ctx);
      return toModel(books, (await bankAccountOf(books.db, s.bankAccountId))!);
    },
    sequence: (s) => s.seq,
    format: (s) => s.format as 'CSV' | 'OFX' | 'CAMT053',
    openingBalance: (s) => money(s.openingBalanceMinor, s.minorUnits),
    closingBalance: (s) => money(s.closingBalanceMinor, s.minorUnits),
    lineCount: async (s, _a, ctx) => (await linesOf((await booksOf(ctx)).db, [s.id])).length,
    unmatchedCount: async (s, _a, ctx) =>
      (await linesOf((await booksOf(ctx)).db, [s.id])).filter((l) => !l.matchId).length,
    reconciled: async (s, _a, ctx) => {
      if (s.deletedAt) return false;
      const books = await booksOf(ctx);
      const account = await accountById(books.db, s.bankAccountId);
      return statementReconciled(books, s, account!.code);
    },
    lines: async (s, args, ctx) => {
      const rows = (await linesOf((await booksOf(ctx)).db, [s.id])).map((l) => ({
        ...l,
        bankAccountId: s.bankAccountId,
        minorUnits: s.minorUnits,
      }));
      return pageRows(rows, 'bank-lines', (l) => [pad(l.lineNumber), l.id], args, {
        default: 100,
        max: 1_000,
      });
    },
  },
  BankStatementLine: {
    date: (l) => l.bookingDate,
    amount: (l) => money(l.amountMinor, l.minorUnits),
    matched: (l) => l.matchId !== null,
    match: async (l, _a, ctx) => {
      if (!l.matchId) return null;
      const m = await matchById((await booksOf(ctx)).db, l.matchId);
      return m ? { ...m, minorUnits: l.minorUnits } : null;
    },
    suggestedAccount: async (l, _a, ctx) => {
      if (l.matchId) return null;
      const id = await ruleAccountFor((await booksOf(ctx)).db, l.bankAccountId, l.description);
      return id ? ((await ctx.loaders.account.load(id)) ?? null) : null;
    },
  },
  BankBookLine: {
    id: (b) => b.id.toString(),
    entry: async (b, _a, ctx) => (await ctx.loaders.entry.load(b.entryId))!,
    date: (b) => b.postingDate,
    amount: (b) => money(b.amountMinor, b.minorUnits),
  },
  BankMatch: {
    kind: (m) => m.kind as 'SUGGESTED' | 'MANUAL' | 'CREATED',
    matchedAt: (m) => m.createdAt,
    active: (m) => m.unmatchedAt === null,
    statementLines: async (m, _a, ctx) => {
      const db = (await booksOf(ctx)).db;
      const items = (await matchItems(db, [m.id])).filter((i) => i.statementLineId);
      const lines = await statementLinesByIds(
        db,
        items.map((i) => i.statementLineId!),
      );
      return lines.map((l) => ({ ...l, matchId: m.unmatchedAt ? null : m.id, minorUnits: m.minorUnits }));
    },
    bookLines: async (m, _a, ctx) => {
      const db = (await booksOf(ctx)).db;
      const items = (await matchItems(db, [m.id])).filter((i) => i.glLineId !== null);
      return (
        await bookLinesByIds(
          db,
          items.map((i) => i.glLineId!),
        )
      ).map((l) => ({ ...l, minorUnits: m.minorUnits }));
    },
    amount: async (m, _a, ctx) => {
      const db = (await booksOf(ctx)).db;
      const items = (await matchItems(db, [m.id])).filter((i) => i.statementLineId);
      const lines = await statementLinesByIds(
        db,
        items.map((i) => i.statementLineId!),
      );
      return money(
        lines.reduce((s, l) => s + l.amountMinor, 0n),
        m.minorUnits,
      );
    },
  },
  BankRule: {
    account: async (r, _a, ctx) => (await ctx.loaders.account.load(r.accountId))!,
    bankAccountCode: async (r, _a, ctx) =>
      r.bankAccountId ? ((await ctx.loaders.account.load(r.bankAccountId))?.code ?? null) : null,
  },
  BankReconciliation: {
    bookBalance: (r) => money(r.bookBalanceMinor, r.minorUnits),
    statementBalance: (r) =>
      r.statementBalanceMinor === null ? null : money(r.statementBalanceMinor, r.minorUnits),
    unmatchedStatementLines: (r, args) => linePage(r.unmatchedStatementLines, args, 'bank-unmatched-lines'),
    unmatchedStatementTotal: (r) =>
      money(
        r.unmatchedStatementLines.reduce((s, l) => s + l.amountMinor, 0n),
        r.minorUnits,
      ),
    unmatchedBookLines: (r, args) =>
      pageRows(r.unmatchedBookLines, 'bank-unmatched-book', (b) => [b.postingDate, pad(b.id)], args, {
        default: 100,
        max: 1_000,
      }),
    unmatchedBookTotal: (r) =>
      money(
        r.unmatchedBookLines.reduce((s, l) => s + l.amountMinor, 0n),
        r.minorUnits,
      ),
    difference: (r) => {
      const d = differenceOf(r);
      return d === null ? null : money(d, r.minorUnits);
    },
    reconciled: (r) => isReconciled(r),
  },
};
