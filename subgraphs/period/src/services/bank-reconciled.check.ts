import { bankLineMatchedOn } from '@cifra/db';
import { sql } from 'drizzle-orm';
import type { CloseCheck } from './checklist.ts';
import type { PostingPeriodRow, TenantTx } from './store.ts';

/**
 * The month-end checklist's "every bank account reconciled through month end" (issue 19 §2;
 * docs/architecture/bank.md, "Month-end checklist"). It reads the bank tables of the ledger's bank
 * feature in the close's own snapshot and repeats, in one statement for every bank account, the
 * arithmetic of the ledger's `bankReconciliation(accountCode, asOf)` on the month's last day
 * (subgraphs/ledger/src/bank/reconcile.ts): the period subgraph shares the client's database, not
 * the ledger's code. The e2e test holds the two equal.
 */

/** One bank account's standing at the month's end. */
export interface BankAccountAtMonthEnd {
  code: string;
  name: string;
  /** Null: reconciled; otherwise why not, in words. */
  failure: string | null;
}

interface Row {
  code: string;
  name: string;
  has_lines: boolean;
  moved: boolean;
  book_balance: string;
  statement_end: string | null;
  statement_balance: string | null;
  unmatched_lines: number;
  unmatched_statement_total: string;
  unmatched_book_total: string;
}

/**
 * Every bank account with something to reconcile by the month's end (a GL line or a statement
 * begun by then), in code order. An account that never moved is left out; so is one with no
 * statement yet whose balance is zero and which did not move in the month (opened, not used).
 */
export async function bankAccountsAtMonthEnd(
  tx: TenantTx,
  period: Pick<PostingPeriodRow, 'startDate' | 'endDate'>,
): Promise<BankAccountAtMonthEnd[]> {
  const { rows } = await tx.execute<Row & Record<string, unknown>>(bankSql(period.startDate, period.endDate));
  const out: BankAccountAtMonthEnd[] = [];
  for (const r of rows) {
    const failure = failureOf(r, period.endDate);
    if (failure === undefined) continue;
    out.push({ code: r.code, name: r.name, failure });
  }
  return out;
}

/** undefined: nothing to reconcile; null: reconciled; a string: why not. */
function failureOf(r: Row, monthEnd: string): string | null | undefined {
  if (r.statement_end === null) {
    if (!r.has_lines) return undefined;
    if (BigInt(r.book_balance) === 0n && !r.moved) return undefined;
    return 'no bank statement imported';
  }
  if (r.statement_end < monthEnd) return `its statements end on ${r.statement_end}, before ${monthEnd}`;
  const difference =
    BigInt(r.statement_balance ?? '0') +
    BigInt(r.unmatched_book_total) -
    BigInt(r.book_balance) -
    BigInt(r.unmatched_statement_total);
  const why: string[] = [];
  if (r.unmatched_lines > 0) why.push(`${r.unmatched_lines} statement line(s) unmatched`);
  if (difference !== 0n) why.push(`a difference of ${difference} minor units`);
  return why.length === 0 ? null : why.join(', ');
}

/**
 * Per bank account, on the month's end E: the book balance (GL lines up to E in the account's
 * currency, as the ledger's `bookBalance`), the last statement begun by E (its end, and its opening
 * plus its lines up to E), the statement lines up to E not matched on E, and the GL lines from the
 * first statement's start to E not matched on E leaving out an entry and its reversal both dated by
 * E. Matched on E is the ledger's own test (`bankLineMatchedOn`): a live match whose every line is
 * dated by E. Deleted statements (tenant migration 0035) count nowhere.
 */
function bankSql(monthStart: string, monthEnd: string) {
  const E = sql`${monthEnd}::date`;
  const amount = sql`CASE WHEN x.base THEN l.amount_minor ELSE l.original_amount_minor END`;
  const inCurrency = sql`(x.base OR l.original_currency = x.currency)`;
  return sql`
    WITH x AS (
      SELECT b.account_id, a.code, a.name, b.currency, b.currency = c.base_currency AS base
        FROM bank_accounts b JOIN accounts a ON a.id = b.account_id CROSS JOIN company c
    ), book AS (
      SELECT l.account_id, sum(${amount}) AS balance, bool_or(l.posting_date >= ${monthStart}::date) AS moved
        FROM gl_lines l JOIN x ON x.account_id = l.account_id
       WHERE ${inCurrency} AND l.posting_date <= ${E}
       GROUP BY l.account_id
    ), last_statement AS (
      SELECT DISTINCT ON (s.bank_account_id) s.bank_account_id, s.id, s.period_end, s.opening_balance_minor
        FROM bank_statements s WHERE s.period_start <= ${E} AND s.deleted_at IS NULL
       ORDER BY s.bank_account_id, s.seq DESC
    ), first_statement AS (
      SELECT DISTINCT ON (s.bank_account_id) s.bank_account_id, s.period_start
        FROM bank_statements s WHERE s.deleted_at IS NULL ORDER BY s.bank_account_id, s.seq
    ), unmatched_statement AS (
      SELECT s.bank_account_id, count(*)::int AS n, sum(sl.amount_minor) AS total
        FROM bank_statement_lines sl JOIN bank_statements s ON s.id = sl.statement_id
       WHERE sl.booking_date <= ${E} AND s.deleted_at IS NULL
         AND NOT ${bankLineMatchedOn('statement_line_id', sql`sl.id`, E)}
       GROUP BY s.bank_account_id
    ), unmatched_book AS (
      SELECT l.account_id, sum(${amount}) AS total
        FROM gl_lines l JOIN x ON x.account_id = l.account_id
        JOIN journal_entries e ON e.id = l.entry_id
        JOIN first_statement f ON f.bank_account_id = l.account_id
       WHERE ${inCurrency} AND l.posting_date BETWEEN f.period_start AND ${E}
         AND NOT ${bankLineMatchedOn('gl_line_id', sql`l.id`, E)}
         AND NOT (e.reverses_entry_id IS NOT NULL AND e.posting_date <= ${E})
         AND NOT EXISTS (SELECT 1 FROM journal_entries r WHERE r.reverses_entry_id = e.id AND r.posting_date <= ${E})
       GROUP BY l.account_id
    )
    SELECT x.code, x.name, book.account_id IS NOT NULL AS has_lines, coalesce(book.moved, false) AS moved,
           coalesce(book.balance, 0)::text AS book_balance, ls.period_end::text AS statement_end,
           (ls.opening_balance_minor + coalesce((SELECT sum(sl.amount_minor) FROM bank_statement_lines sl
              WHERE sl.statement_id = ls.id AND sl.booking_date <= ${E}), 0))::text AS statement_balance,
           coalesce(us.n, 0) AS unmatched_lines, coalesce(us.total, 0)::text AS unmatched_statement_total,
           coalesce(ub.total, 0)::text AS unmatched_book_total
      FROM x
      LEFT JOIN book ON book.account_id = x.account_id
      LEFT JOIN last_statement ls ON ls.bank_account_id = x.account_id
      LEFT JOIN unmatched_statement us ON us.bank_account_id = x.account_id
      LEFT JOIN unmatched_book ub ON ub.account_id = x.account_id
     ORDER BY x.code`;
}

/**
 * The checklist item. Advisory, as the subledger check is: the bank's statement for a month often
 * arrives days after the firm's close timetable, and matching lines writes nothing to the books, so
 * a month may be locked on time and reconciled after; the board shows who is behind. An account
 * with no statement, statements ending before the month's last day, an unmatched statement line
 * dated by then or a non-zero difference keeps it OPEN, naming each account and why.
 */
export const bankAccountsReconciledCheck: CloseCheck = {
  code: 'BANK_ACCOUNTS_RECONCILED',
  label: 'Every bank account is reconciled through month end',
  blocking: false,
  async run(tx, { period }) {
    const accounts = await bankAccountsAtMonthEnd(tx, period);
    const failing = accounts.filter((a) => a.failure !== null);
    if (accounts.length === 0) {
      return { status: 'OK', detail: 'No bank account to reconcile', count: 0, vacuous: true };
    }
    if (failing.length === 0) {
      return {
        status: 'OK',
        detail: `${accounts.map((a) => a.code).join(', ')} reconciled through ${period.endDate}`,
        count: 0,
      };
    }
    return {
      status: 'OPEN',
      detail: `Not reconciled through ${period.endDate}: ${failing.map((a) => `${a.code} ${a.name} (${a.failure})`).join('; ')}`,
      count: failing.length,
    };
  },
};
