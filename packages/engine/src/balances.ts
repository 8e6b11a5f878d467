import type { TenantDb } from '@cifra/db';
import { asAtInstant, type IsoDate } from '@cifra/domain';
import { sql } from 'drizzle-orm';

export type AccountType = 'ASSET' | 'LIABILITY' | 'EQUITY' | 'INCOME' | 'EXPENSE';

export interface AccountBalance {
  accountId: string;
  accountCode: string;
  accountName: string;
  accountType: AccountType;
  /** Net balance in base minor units: positive is a debit balance, negative a credit balance. */
  balanceMinor: bigint;
}

export interface BalanceOptions {
  /**
   * Knowledge time: the books as they stood at this instant. The GL is append-only and each
   * entry's actual_posting_date is stamped by the database, so the books known at T are today's
   * minus the lines of entries written after T.
   */
  asAt?: Date | null;
  /** Only these accounts (the general ledger's opening balance). */
  accountIds?: readonly string[];
  /** Leave year-end closing entries out (the income statement). */
  excludeYearEndClose?: boolean;
}

/**
 * Each account's balance at the end of `asOf` (accounts with no movement are left out).
 *
 * Whole periods ending on or before `asOf` come from `account_period_balances` (kept by the trigger
 * `cifra_apply_balances` on gl_lines), and only the lines of the one period containing `asOf`, up
 * to `asOf`, are read: the cost is O(accounts × periods + lines of one period), never O(lines).
 */
export async function balancesAsOf(
  db: Pick<TenantDb, 'execute'>,
  asOf: IsoDate,
  opts: BalanceOptions = {},
): Promise<AccountBalance[]> {
  const accountFilter = (column: ReturnType<typeof sql.raw>) =>
    opts.accountIds
      ? opts.accountIds.length === 0
        ? sql`AND false`
        : sql`AND ${column} IN (${sql.join(
            opts.accountIds.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`
      : sql``;
  const asAt = opts.asAt ?? null;
  const later = asAt
    ? sql`UNION ALL
      SELECT l.account_id, -l.amount_minor
        FROM journal_entries e JOIN gl_lines l ON l.entry_id = e.id
       WHERE e.actual_posting_date > ${asAtInstant(asAt)}::timestamptz
         AND l.posting_date <= ${asOf}::date ${accountFilter(sql.raw('l.account_id'))}`
    : sql``;
  const closing = opts.excludeYearEndClose
    ? sql`UNION ALL
      SELECT l.account_id, -l.amount_minor
        FROM journal_entries e JOIN gl_lines l ON l.entry_id = e.id
       WHERE e.source_kind = 'YEAR_END_CLOSE' AND e.posting_date <= ${asOf}::date
         ${asAt ? sql`AND e.actual_posting_date <= ${asAtInstant(asAt)}::timestamptz` : sql``}
         ${accountFilter(sql.raw('l.account_id'))}`
    : sql``;
  // The period containing asOf, when asOf is not its last day: only its lines up to asOf are read,
  // account by account through gl_lines (account_id, posting_date), on any PostgreSQL version.
  const cut = await db.execute<{ start: string }>(sql`
    SELECT start_date::text AS start FROM posting_periods
     WHERE start_date <= ${asOf}::date AND end_date > ${asOf}::date`);
  const cutStart = cut.rows[0]?.start;
  const partial = cutStart
    ? sql`UNION ALL
      SELECT a.id, x.amount
        FROM accounts a
        CROSS JOIN LATERAL (
          SELECT sum(l.amount_minor) AS amount FROM gl_lines l
           WHERE l.account_id = a.id AND l.posting_date BETWEEN ${cutStart}::date AND ${asOf}::date
        ) x
       WHERE x.amount IS NOT NULL ${accountFilter(sql.raw('a.id'))}`
    : sql``;
  const result = await db.execute<{
    account_id: string;
    code: string;
    name: string;
    type: AccountType;
    balance: string;
  }>(sql`
    WITH movements(account_id, amount) AS (
      SELECT b.account_id, b.debit_minor - b.credit_minor
        FROM account_period_balances b JOIN posting_periods p ON p.id = b.period_id
       WHERE p.end_date <= ${asOf}::date ${accountFilter(sql.raw('b.account_id'))}
      ${partial}
      ${later}
      ${closing}
    )
    SELECT a.id AS account_id, a.code, a.name, a.type, sum(m.amount)::text AS balance
      FROM movements m JOIN accounts a ON a.id = m.account_id
     GROUP BY a.id
    HAVING sum(m.amount) <> 0
     ORDER BY a.code`);
  return result.rows.map((r) => ({
    accountId: r.account_id,
    accountCode: r.code,
    accountName: r.name,
    accountType: r.type,
    balanceMinor: BigInt(r.balance),
  }));
}
