import { inReadSnapshot, type TenantDb } from '@cifra/db';
import { badInput, type IsoDate, parseIsoDate } from '@cifra/domain';
import { sql } from 'drizzle-orm';
import { balancesAsOf } from './account-balances.service.ts';

export interface GeneralLedgerLine {
  cursor: string;
  postingDate: IsoDate;
  entryId: string;
  entryNumber: string;
  entryMemo: string;
  lineNumber: number;
  lineMemo: string;
  partyId: string | null;
  partyCode: string | null;
  partyName: string | null;
  amountMinor: bigint;
  originalCurrency: string;
  originalAmountMinor: bigint;
  /** The account's balance after this line (debit positive). */
  runningBalanceMinor: bigint;
}

export interface GeneralLedgerPage {
  account: { id: string; code: string; name: string; type: string };
  from: IsoDate;
  to: IsoDate;
  /** Balance at the end of the day before `from`. */
  openingBalanceMinor: bigint;
  /** Balance at the end of `to`. */
  closingBalanceMinor: bigint;
  totalDebitMinor: bigint;
  totalCreditMinor: bigint;
  lines: GeneralLedgerLine[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 100;

/** The order of a general ledger, and so of its cursors: posting date, entry number, line. */
type Position = [postingDate: string, entryNumber: string, lineNumber: number];

export function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify(p)).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  try {
    const p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(p) &&
      p.length === 3 &&
      typeof p[0] === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(p[0]) &&
      typeof p[1] === 'string' &&
      Number.isInteger(p[2])
    ) {
      return p as Position;
    }
  } catch {
    // fall through
  }
  throw badInput('after: not a cursor this query returned', { field: 'after' });
}

/**
 * One account's lines between two dates in a stable order, a page at a time, each with the
 * running balance after it. The opening balance comes from the per-period balances; the running
 * balance of a page starts from the opening plus everything in the range before the cursor. All of
 * it is read in one snapshot: read apart, a posting committed between the reads gave a page whose
 * opening plus its lines was not its closing balance, and totals that were not its lines'.
 */
export async function generalLedger(
  db: TenantDb,
  args: { accountCode: string; from: string; to: string; first?: number | null; after?: string | null },
): Promise<GeneralLedgerPage> {
  const from = parseIsoDate(args.from, 'from');
  const to = parseIsoDate(args.to, 'to');
  if (from > to) throw badInput('from: must not be after to', { field: 'from' });
  const first = args.first ?? DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) {
    throw badInput(`first: between 0 and ${MAX_PAGE}`, { field: 'first' });
  }
  const after = args.after ? decodeCursor(args.after) : null;
  return inReadSnapshot(db, (snapshot) =>
    pageOf(snapshot, { accountCode: args.accountCode, from, to, first, after }),
  );
}

interface PageQuery {
  accountCode: string;
  from: IsoDate;
  to: IsoDate;
  first: number;
  after: Position | null;
}

async function pageOf(db: TenantDb, q: PageQuery): Promise<GeneralLedgerPage> {
  const accounts = await db.execute<{ id: string; code: string; name: string; type: string }>(
    sql`SELECT id, code, name, type FROM accounts WHERE code = ${q.accountCode}`,
  );
  const account = accounts.rows[0];
  if (!account) {
    throw badInput(`accountCode: no account with code ${q.accountCode}`, { field: 'accountCode' });
  }
  const dayBefore = await db.execute<{ d: string }>(sql`SELECT (${q.from}::date - 1)::text AS d`);
  // One after another: a snapshot is one connection, which runs one statement at a time anyway
  // (pg queues the rest, and pg 9 refuses to).
  const opening = await balancesAsOf(db, dayBefore.rows[0]?.d as string, { accountIds: [account.id] });
  const closing = await balancesAsOf(db, q.to, { accountIds: [account.id] });
  const rows = await lineRows(db, account.id, q);
  const openingBalanceMinor = opening[0]?.balanceMinor ?? 0n;
  let running = openingBalanceMinor + BigInt(rows.before.rows[0]?.sum ?? '0');
  const lines = rows.page.rows.slice(0, q.first).map((r) => {
    running += BigInt(r.amount_minor);
    return lineOf(r, running);
  });
  return {
    account,
    from: q.from,
    to: q.to,
    openingBalanceMinor,
    closingBalanceMinor: closing[0]?.balanceMinor ?? 0n,
    totalDebitMinor: BigInt(rows.totals.rows[0]?.debit ?? '0'),
    totalCreditMinor: BigInt(rows.totals.rows[0]?.credit ?? '0'),
    lines,
    hasNextPage: rows.page.rows.length > q.first,
    hasPreviousPage: q.after !== null,
  };
}

interface LineRow {
  posting_date: string;
  entry_id: string;
  number: string;
  entry_memo: string;
  line_number: number;
  line_memo: string;
  party_id: string | null;
  party_code: string | null;
  party_name: string | null;
  amount_minor: string;
  original_currency: string;
  original_amount_minor: string;
}

/** The range's totals, the sum of its lines up to the cursor, and the page's lines (one more than asked). */
async function lineRows(db: TenantDb, accountId: string, q: PageQuery) {
  const { from, to, after } = q;
  const inRange = sql`l.account_id = ${accountId}::uuid AND l.posting_date BETWEEN ${from}::date AND ${to}::date`;
  const key = sql`(l.posting_date, e.number, l.line_number)`;
  const afterCursor = after ? sql`AND ${key} > (${after[0]}::date, ${after[1]}, ${after[2]})` : sql``;
  const totals = await db.execute<{ debit: string; credit: string }>(sql`
      SELECT coalesce(sum(greatest(l.amount_minor, 0)), 0)::text AS debit,
             coalesce(sum(greatest(-l.amount_minor, 0)), 0)::text AS credit
        FROM gl_lines l WHERE ${inRange}`);
  const before = after
    ? await db.execute<{ sum: string }>(sql`
          SELECT coalesce(sum(l.amount_minor), 0)::text AS sum
            FROM gl_lines l JOIN journal_entries e ON e.id = l.entry_id
           WHERE ${inRange} AND ${key} <= (${after[0]}::date, ${after[1]}, ${after[2]})`)
    : { rows: [{ sum: '0' }] };
  const page = await db.execute<LineRow & Record<string, unknown>>(sql`
      SELECT l.posting_date::text AS posting_date, e.id AS entry_id, e.number, e.memo AS entry_memo,
             l.line_number, l.memo AS line_memo, l.party_id, p.code AS party_code, p.name AS party_name,
             l.amount_minor::text AS amount_minor, l.original_currency,
             l.original_amount_minor::text AS original_amount_minor
        FROM gl_lines l
        JOIN journal_entries e ON e.id = l.entry_id
        LEFT JOIN parties p ON p.id = l.party_id
       WHERE ${inRange} ${afterCursor}
       ORDER BY l.posting_date, e.number, l.line_number
       LIMIT ${q.first + 1}`);
  return { totals, before, page };
}

const lineOf = (r: LineRow, runningBalanceMinor: bigint): GeneralLedgerLine => ({
  cursor: encodeCursor([r.posting_date, r.number, r.line_number]),
  postingDate: r.posting_date,
  entryId: r.entry_id,
  entryNumber: r.number,
  entryMemo: r.entry_memo,
  lineNumber: r.line_number,
  lineMemo: r.line_memo,
  partyId: r.party_id,
  partyCode: r.party_code,
  partyName: r.party_name,
  amountMinor: BigInt(r.amount_minor),
  originalCurrency: r.original_currency,
  originalAmountMinor: BigInt(r.original_amount_minor),
  runningBalanceMinor,
});
