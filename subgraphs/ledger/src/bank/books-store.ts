import { bankLineMatchedOn, tenant } from '@cifra/db';
import type { IsoDate } from '@cifra/domain';
import type { TenantTx } from '@cifra/engine';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from './store.ts';

/**
 * The books as the bank feature sees them: a bank account's GL lines in its currency, their
 * balance, and the entries a match locks and checks.
 */

/** A GL line as reconciliation sees it: its amount in the bank account's currency. */
export interface BookLine {
  id: bigint;
  entryId: string;
  entryNumber: string;
  postingDate: IsoDate;
  amountMinor: bigint;
  memo: string;
  partyName: string | null;
  voided: boolean;
  reversal: boolean;
}

/**
 * The amount of a GL line in the bank account's currency: the base amount on a base-currency
 * account; on a foreign-currency account, the original amount of lines in that currency (lines
 * in any other currency do not take part in its reconciliation).
 */
const bookAmount = sql`CASE WHEN b.currency = c.base_currency THEN l.amount_minor ELSE l.original_amount_minor END`;
const bookLineFilter = sql`(b.currency = c.base_currency OR l.original_currency = b.currency)`;

function bookLineOf(r: Record<string, unknown>): BookLine {
  return {
    id: BigInt(r.id as string),
    entryId: r.entry_id as string,
    entryNumber: r.number as string,
    postingDate: r.posting_date as string,
    amountMinor: BigInt(r.amount as string),
    memo: r.memo as string,
    partyName: (r.party_name as string | null) ?? null,
    voided: r.voided as boolean,
    reversal: r.reversal as boolean,
  };
}

const BOOK_LINE_COLUMNS = sql`l.id::text AS id, l.entry_id, e.number, l.posting_date::text AS posting_date,
  (${bookAmount})::text AS amount, trim(both ' ' FROM e.memo || ' ' || l.memo) AS memo, p.name AS party_name,
  EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id) AS voided, e.reverses_entry_id IS NOT NULL AS reversal`;

const BOOK_LINE_FROM = sql`gl_lines l
  JOIN journal_entries e ON e.id = l.entry_id
  JOIN bank_accounts b ON b.account_id = l.account_id
  CROSS JOIN company c
  LEFT JOIN parties p ON p.id = coalesce(l.party_id,
    (SELECT d.party_id FROM documents d WHERE d.id = e.source_id))`;

export async function bookLinesByIds(
  db: Db,
  ids: readonly bigint[],
): Promise<(BookLine & { accountId: string })[]> {
  if (!ids.length) return [];
  const { rows } = await db.execute<Record<string, unknown>>(sql`
    SELECT ${BOOK_LINE_COLUMNS}, l.account_id FROM ${BOOK_LINE_FROM}
    WHERE l.id IN (${sql.join(
      ids.map((id) => sql`${id.toString()}::bigint`),
      sql`, `,
    )}) AND ${bookLineFilter}`);
  return rows.map((r) => ({ ...bookLineOf(r), accountId: r.account_id as string }));
}

/**
 * GL lines of the bank account dated up to `asOf` (and from `from`) not matched on `asOf` (in no
 * live match, or in one with a line dated after `asOf`: `bankLineMatchedOn`), leaving out an entry
 * and its reversal once both are dated by `asOf`: together they moved nothing.
 */
export async function unmatchedBookLines(
  db: Db,
  accountId: string,
  range: { from?: IsoDate | null; asOf: IsoDate },
): Promise<BookLine[]> {
  const { rows } = await db.execute<Record<string, unknown>>(sql`
    SELECT ${BOOK_LINE_COLUMNS} FROM ${BOOK_LINE_FROM}
    WHERE l.account_id = ${accountId} AND ${bookLineFilter}
      AND l.posting_date <= ${range.asOf}::date
      AND (${range.from ?? null}::date IS NULL OR l.posting_date >= ${range.from ?? null}::date)
      AND NOT ${bankLineMatchedOn('gl_line_id', sql`l.id`, sql`${range.asOf}::date`)}
      AND NOT (e.reverses_entry_id IS NOT NULL AND e.posting_date <= ${range.asOf}::date)
      AND NOT EXISTS (SELECT 1 FROM journal_entries r WHERE r.reverses_entry_id = e.id
                      AND r.posting_date <= ${range.asOf}::date)
    ORDER BY l.posting_date, l.id`);
  return rows.map(bookLineOf);
}

/** The bank account's balance in the books on `asOf`, in the account's currency. */
export async function bookBalance(db: Db, accountId: string, asOf: IsoDate): Promise<bigint> {
  const { rows } = await db.execute<{ total: string | null }>(sql`
    SELECT sum(${bookAmount})::text AS total
    FROM gl_lines l JOIN bank_accounts b ON b.account_id = l.account_id CROSS JOIN company c
    WHERE l.account_id = ${accountId} AND ${bookLineFilter} AND l.posting_date <= ${asOf}::date`);
  return BigInt(rows[0]?.total ?? '0');
}

/** Takes the per-entry lock the void guard takes (migration 0029), in a fixed order. */
export async function lockEntriesForMatching(tx: TenantTx, entryIds: readonly string[]): Promise<void> {
  for (const id of [...new Set(entryIds)].sort()) {
    await tx.execute(sql`SELECT cifra_bank_entry_lock(${id}::uuid)`);
  }
}

/** Entries among `entryIds` that are voided or are reversals, seen after the lock. */
export async function voidedOrReversal(tx: TenantTx, entryIds: readonly string[]): Promise<string[]> {
  if (!entryIds.length) return [];
  const { rows } = await tx.execute<{ number: string }>(sql`
    SELECT e.number FROM journal_entries e
    WHERE e.id IN (${sql.join(
      [...new Set(entryIds)].map((id) => sql`${id}::uuid`),
      sql`, `,
    )})
      AND (e.reverses_entry_id IS NOT NULL OR EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id))`);
  return rows.map((r) => r.number);
}

/** The GL lines of an entry on one account. */
export async function entryLinesOn(db: Db, entryId: string, accountId: string): Promise<{ id: bigint }[]> {
  return db
    .select({ id: tenant.glLines.id })
    .from(tenant.glLines)
    .where(and(eq(tenant.glLines.entryId, entryId), eq(tenant.glLines.accountId, accountId)))
    .orderBy(asc(tenant.glLines.lineNumber));
}
