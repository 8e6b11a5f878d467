import { inReadSnapshot, type TenantDb } from '@cifra/db';
import { badInput, type IsoDate, parseIsoDate } from '@cifra/domain';
import { sql } from 'drizzle-orm';
import { type AccountBalance, type AccountType, balancesAsOf } from './account-balances.service.ts';

/** A statement line in its natural sign: debit-positive for assets and expenses, credit-positive otherwise. */
export interface StatementRow {
  accountCode: string | null;
  accountName: string;
  accountType: AccountType;
  amountMinor: bigint;
}

export interface StatementSection {
  rows: StatementRow[];
  totalMinor: bigint;
}

const DEBIT_NATURE: ReadonlySet<AccountType> = new Set(['ASSET', 'EXPENSE']);

const natural = (b: AccountBalance): StatementRow => ({
  accountCode: b.accountCode,
  accountName: b.accountName,
  accountType: b.accountType,
  amountMinor: DEBIT_NATURE.has(b.accountType) ? b.balanceMinor : -b.balanceMinor,
});

function section(rows: StatementRow[]): StatementSection {
  return { rows, totalMinor: rows.reduce((sum, r) => sum + r.amountMinor, 0n) };
}

export interface IncomeStatement {
  from: IsoDate;
  to: IsoDate;
  income: StatementSection;
  expenses: StatementSection;
  netIncomeMinor: bigint;
}

/**
 * Income and expense accounts' movement between two dates (balance at `to` less balance the day
 * before `from`, both from the per-period balances), without year-end closing entries, which
 * move the year's result to retained earnings and are not part of it. Both balances are read in
 * one snapshot: read apart, an entry dated before `from` committed between them was counted in
 * the range.
 */
export async function incomeStatement(
  db: TenantDb,
  fromText: string,
  toText: string,
): Promise<IncomeStatement> {
  const from = parseIsoDate(fromText, 'from');
  const to = parseIsoDate(toText, 'to');
  if (from > to) throw badInput('from: must not be after to', { field: 'from' });
  const [opening, closing] = await inReadSnapshot(db, async (snapshot) => {
    const dayBefore = await snapshot.execute<{ d: string }>(sql`SELECT (${from}::date - 1)::text AS d`);
    // One after another: a snapshot is one connection (pg queues a second statement; pg 9 refuses).
    const before = await balancesAsOf(snapshot, dayBefore.rows[0]?.d as string, {
      excludeYearEndClose: true,
    });
    return [before, await balancesAsOf(snapshot, to, { excludeYearEndClose: true })] as const;
  });
  const movement = new Map<string, AccountBalance>();
  for (const b of closing) movement.set(b.accountId, { ...b });
  for (const b of opening) {
    const m = movement.get(b.accountId) ?? { ...b, balanceMinor: 0n };
    movement.set(b.accountId, { ...m, balanceMinor: m.balanceMinor - b.balanceMinor });
  }
  const rows = [...movement.values()]
    .filter((b) => b.balanceMinor !== 0n && (b.accountType === 'INCOME' || b.accountType === 'EXPENSE'))
    .sort((a, b) => (a.accountCode < b.accountCode ? -1 : a.accountCode > b.accountCode ? 1 : 0))
    .map(natural);
  const income = section(rows.filter((r) => r.accountType === 'INCOME'));
  const expenses = section(rows.filter((r) => r.accountType === 'EXPENSE'));
  return { from, to, income, expenses, netIncomeMinor: income.totalMinor - expenses.totalMinor };
}

export interface BalanceSheet {
  asOf: IsoDate;
  assets: StatementSection;
  liabilities: StatementSection;
  /** Equity accounts plus the current earnings line. */
  equity: StatementSection;
  /** Income less expenses not yet closed to retained earnings by a year-end close. */
  currentEarningsMinor: bigint;
  totalLiabilitiesAndEquityMinor: bigint;
}

export const CURRENT_EARNINGS_LABEL = 'Current earnings (not yet closed)';

/**
 * Assets, liabilities and equity at the end of `asOf`. Income and expense balances not yet closed
 * by a year-end close appear as one equity line, so assets = liabilities + equity holds whenever
 * every entry balances.
 */
export async function balanceSheet(
  db: TenantDb,
  asOfText: string,
  asAt?: Date | null,
): Promise<BalanceSheet> {
  const asOf = parseIsoDate(asOfText, 'asOf');
  const balances = await inReadSnapshot(db, (snapshot) => balancesAsOf(snapshot, asOf, { asAt }));
  const of = (type: AccountType) => balances.filter((b) => b.accountType === type).map(natural);
  const currentEarningsMinor = -balances
    .filter((b) => b.accountType === 'INCOME' || b.accountType === 'EXPENSE')
    .reduce((sum, b) => sum + b.balanceMinor, 0n);
  const assets = section(of('ASSET'));
  const liabilities = section(of('LIABILITY'));
  const equity = section([
    ...of('EQUITY'),
    {
      accountCode: null,
      accountName: CURRENT_EARNINGS_LABEL,
      accountType: 'EQUITY',
      amountMinor: currentEarningsMinor,
    },
  ]);
  return {
    asOf,
    assets,
    liabilities,
    equity,
    currentEarningsMinor,
    totalLiabilitiesAndEquityMinor: liabilities.totalMinor + equity.totalMinor,
  };
}
