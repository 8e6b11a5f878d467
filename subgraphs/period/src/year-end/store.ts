import { createHash } from 'node:crypto';
import { type TenantDb, tenant } from '@cifra/db';
import { type IsoDate, SETTLING_KINDS, type Settings } from '@cifra/domain';
import { and, asc, desc, eq, inArray, ne, type SQL, sql } from 'drizzle-orm';
import type { FiscalYearRow, TenantTx } from '../services/store.ts';

/**
 * The year-end close's only door to the database: every query of the feature is here, the use
 * cases (prepare, review, approve, reversal) call these inside their own transaction.
 */

export type FxVarianceMode = Settings['fxVarianceMode'];
export type YearEndCloseRow = typeof tenant.yearEndCloses.$inferSelect;
export type YearEndCloseLineRow = typeof tenant.yearEndCloseLines.$inferSelect;
export type YearEndReversalRow = typeof tenant.yearEndCloseReversals.$inferSelect;
type NewCloseLine = typeof tenant.yearEndCloseLines.$inferInsert;
type NewClose = typeof tenant.yearEndCloses.$inferInsert;

/* ------------------------------------------------------------------ fingerprint */

/**
 * A SHA-256 over everything the closing entry depends on: every GL line of every entry of the year
 * (id, number, date, kind, reversal link, auto-reverse flag, account, amounts), every entry anywhere
 * that reverses one of them, the states of the year's periods, the account role bindings and the
 * FX policy. Any posting, reversal, reopening, rebinding or policy change changes it.
 */
export async function fingerprintYear(
  tx: TenantTx,
  fiscalYear: number,
  fxVarianceMode: FxVarianceMode,
): Promise<string> {
  const lines = await tx.execute(sql`
    SELECT count(*)::int AS n, coalesce(encode(sha256(convert_to(string_agg(
      concat_ws(':', e.id, e.number, e.posting_date, e.source_kind, e.reverses_entry_id, e.auto_reverse,
                l.line_number, l.account_id, l.amount_minor, l.original_currency, l.original_amount_minor),
      '|' ORDER BY e.number, l.line_number), 'UTF8')), 'hex'), '') AS digest
    FROM journal_entries e JOIN gl_lines l ON l.entry_id = e.id
    WHERE e.fiscal_year = ${fiscalYear}`);
  const reversals = await tx.execute(sql`
    SELECT coalesce(string_agg(r.id || '>' || r.reverses_entry_id, ',' ORDER BY r.id), '') AS ids
    FROM journal_entries r JOIN journal_entries o ON o.id = r.reverses_entry_id
    WHERE o.fiscal_year = ${fiscalYear}`);
  const periods = await tx
    .select({ n: tenant.postingPeriods.periodNumber, state: tenant.postingPeriods.state })
    .from(tenant.postingPeriods)
    .where(eq(tenant.postingPeriods.fiscalYear, fiscalYear))
    .orderBy(asc(tenant.postingPeriods.periodNumber));
  const bindings = await tx
    .select()
    .from(tenant.accountRoleBindings)
    .orderBy(asc(tenant.accountRoleBindings.role));
  const payload = JSON.stringify({
    fiscalYear,
    lines: lines.rows[0],
    reversals: reversals.rows[0],
    periods,
    bindings,
    fxVarianceMode,
  });
  return createHash('sha256').update(payload).digest('hex');
}

/* ------------------------------------------------------------------ what the draft is built from */

export interface RoleAccount {
  id: string;
  code: string;
  name: string;
}

export interface AccountBalance {
  accountId: string;
  code: string;
  name: string;
  type: 'INCOME' | 'EXPENSE';
  balanceMinor: bigint;
}

/** The accounts bound to each role, by role. */
export async function roleAccounts(tx: TenantTx): Promise<Map<string, RoleAccount>> {
  const rows = await tx
    .select({
      role: tenant.accountRoleBindings.role,
      id: tenant.accounts.id,
      code: tenant.accounts.code,
      name: tenant.accounts.name,
    })
    .from(tenant.accountRoleBindings)
    .innerJoin(tenant.accounts, eq(tenant.accounts.id, tenant.accountRoleBindings.accountId));
  return new Map(rows.map((r) => [r.role, { id: r.id, code: r.code, name: r.name }]));
}

/** Every income and expense account with a balance in the fiscal year, by code. */
export async function incomeStatementBalances(tx: TenantTx, fiscalYear: number): Promise<AccountBalance[]> {
  const balance = sql<string>`sum(${tenant.glLines.amountMinor})`;
  const rows = await tx
    .select({
      accountId: tenant.accounts.id,
      code: tenant.accounts.code,
      name: tenant.accounts.name,
      type: tenant.accounts.type,
      balance,
    })
    .from(tenant.glLines)
    .innerJoin(tenant.journalEntries, eq(tenant.journalEntries.id, tenant.glLines.entryId))
    .innerJoin(tenant.accounts, eq(tenant.accounts.id, tenant.glLines.accountId))
    .where(
      and(
        eq(tenant.journalEntries.fiscalYear, fiscalYear),
        inArray(tenant.accounts.type, ['INCOME', 'EXPENSE']),
      ),
    )
    .groupBy(tenant.accounts.id)
    .having(ne(balance, sql`0`))
    .orderBy(asc(tenant.accounts.code));
  return rows.map(({ balance: b, ...r }) => ({
    ...r,
    type: r.type as 'INCOME' | 'EXPENSE',
    balanceMinor: BigInt(b),
  }));
}

/**
 * Bank fees still on the FxVarianceBankFees account for the year: receipts and payments posted
 * before bank fees had their own role (migration 0021) put the fee there, on a line the documents
 * service writes with the memo 'Bank fee' (a void mirrors it, memo included). They are fees, not
 * exchange differences, so the Separated close leaves them out of what it reclassifies as FX.
 */
export async function bankFeesOnFxVariance(
  tx: TenantTx,
  fiscalYear: number,
  accountId: string,
): Promise<bigint> {
  const settling = sql.join(
    SETTLING_KINDS.map((k) => sql`${k}`),
    sql`, `,
  );
  const rows = await tx.execute(sql`
    SELECT coalesce(sum(l.amount_minor), 0)::text AS fees
      FROM gl_lines l
      JOIN journal_entries e ON e.id = l.entry_id
      LEFT JOIN journal_entries o ON o.id = e.reverses_entry_id
     WHERE e.fiscal_year = ${fiscalYear}
       AND l.account_id = ${accountId}
       AND l.memo = 'Bank fee'
       AND (e.source_kind IN (${settling}) OR o.source_kind IN (${settling}))`);
  return BigInt((rows.rows[0] as { fees: string }).fees);
}

export type PendingAccrual = Awaited<ReturnType<typeof pendingAccruals>>[number];

/**
 * Entries of the year flagged to auto-reverse, not reversed yet and due by `reversalDate` (the first
 * day of the next year), with their lines. One whose chosen `reverseOn` falls later is left to the
 * scheduled reversal, which posts it on its own day (engine/scheduled-reversals.ts).
 */
export async function pendingAccruals(tx: TenantTx, fiscalYear: number, reversalDate: IsoDate) {
  const reversed = tx
    .select({ id: tenant.journalEntries.reversesEntryId })
    .from(tenant.journalEntries)
    .where(sql`${tenant.journalEntries.reversesEntryId} IS NOT NULL`);
  const entries = await tx
    .select()
    .from(tenant.journalEntries)
    .where(
      and(
        eq(tenant.journalEntries.fiscalYear, fiscalYear),
        eq(tenant.journalEntries.autoReverse, true),
        sql`${tenant.journalEntries.id} NOT IN (${reversed})`,
        sql`coalesce(${tenant.journalEntries.reverseOn},
          (date_trunc('month', ${tenant.journalEntries.postingDate}) + interval '1 month')::date) <= ${reversalDate}::date`,
      ),
    )
    .orderBy(asc(tenant.journalEntries.number));
  if (entries.length === 0) return [];
  const lines = await tx
    .select({
      entryId: tenant.glLines.entryId,
      lineNumber: tenant.glLines.lineNumber,
      accountId: tenant.glLines.accountId,
      amountMinor: tenant.glLines.amountMinor,
      originalCurrency: tenant.glLines.originalCurrency,
      originalAmountMinor: tenant.glLines.originalAmountMinor,
      code: tenant.accounts.code,
      name: tenant.accounts.name,
    })
    .from(tenant.glLines)
    .innerJoin(tenant.accounts, eq(tenant.accounts.id, tenant.glLines.accountId))
    .where(
      inArray(
        tenant.glLines.entryId,
        entries.map((e) => e.id),
      ),
    )
    .orderBy(asc(tenant.glLines.entryId), asc(tenant.glLines.lineNumber));
  return entries.map((e) => ({ entry: e, lines: lines.filter((l) => l.entryId === e.id) }));
}

/** A neighbouring fiscal year, or null when it does not exist. */
export async function fiscalYearOrNull(tx: TenantTx, year: number): Promise<FiscalYearRow | null> {
  const [row] = await tx.select().from(tenant.fiscalYears).where(eq(tenant.fiscalYears.year, year));
  return row ?? null;
}

export async function setFiscalYearState(tx: TenantTx, year: number, state: FiscalYearRow['state']) {
  await tx.update(tenant.fiscalYears).set({ state }).where(eq(tenant.fiscalYears.year, year));
}

/* ------------------------------------------------------------------ closes and their lines */

/** A new draft with its lines; an earlier draft of the same year becomes SUPERSEDED. */
export async function insertDraft(
  tx: TenantTx,
  close: NewClose,
  lines: Omit<NewCloseLine, 'closeId' | 'lineNumber'>[],
): Promise<YearEndCloseRow> {
  await tx
    .update(tenant.yearEndCloses)
    .set({ status: 'SUPERSEDED', updatedAt: new Date() })
    .where(
      and(eq(tenant.yearEndCloses.fiscalYear, close.fiscalYear), eq(tenant.yearEndCloses.status, 'DRAFT')),
    );
  const [row] = await tx.insert(tenant.yearEndCloses).values(close).returning();
  if (lines.length > 0) {
    await tx
      .insert(tenant.yearEndCloseLines)
      .values(lines.map((l, i) => ({ ...l, closeId: row!.id, lineNumber: i + 1 })));
  }
  return row!;
}

/** By id, or the latest close of a year that is not SUPERSEDED. */
export async function findClose(
  tx: TenantTx,
  where: { draftId: string } | { fiscalYear: number },
): Promise<YearEndCloseRow | null> {
  const match: SQL | undefined =
    'draftId' in where
      ? eq(tenant.yearEndCloses.id, where.draftId)
      : and(
          eq(tenant.yearEndCloses.fiscalYear, where.fiscalYear),
          ne(tenant.yearEndCloses.status, 'SUPERSEDED'),
        );
  const [close] = await tx
    .select()
    .from(tenant.yearEndCloses)
    .where(match)
    .orderBy(desc(tenant.yearEndCloses.preparedAt))
    .limit(1);
  return close ?? null;
}

export async function closeForUpdate(tx: TenantTx, id: string): Promise<YearEndCloseRow> {
  const [row] = await tx
    .select()
    .from(tenant.yearEndCloses)
    .where(eq(tenant.yearEndCloses.id, id))
    .for('update');
  return row!;
}

/** The year's approved close, or null. */
export async function approvedClose(tx: TenantTx, fiscalYear: number): Promise<YearEndCloseRow | null> {
  const [row] = await tx
    .select()
    .from(tenant.yearEndCloses)
    .where(and(eq(tenant.yearEndCloses.fiscalYear, fiscalYear), eq(tenant.yearEndCloses.status, 'APPROVED')));
  return row ?? null;
}

/** A close's lines in order, each with its account's code and name. */
export async function closeLinesWithAccounts(tx: TenantTx, closeId: string) {
  const rows = await tx
    .select({
      line: tenant.yearEndCloseLines,
      accountCode: tenant.accounts.code,
      accountName: tenant.accounts.name,
    })
    .from(tenant.yearEndCloseLines)
    .innerJoin(tenant.accounts, eq(tenant.accounts.id, tenant.yearEndCloseLines.accountId))
    .where(eq(tenant.yearEndCloseLines.closeId, closeId))
    .orderBy(asc(tenant.yearEndCloseLines.lineNumber));
  return rows.map((l) => ({ ...l.line, accountCode: l.accountCode, accountName: l.accountName }));
}

export async function closeLines(tx: TenantTx, closeId: string): Promise<YearEndCloseLineRow[]> {
  return tx
    .select()
    .from(tenant.yearEndCloseLines)
    .where(eq(tenant.yearEndCloseLines.closeId, closeId))
    .orderBy(asc(tenant.yearEndCloseLines.lineNumber));
}

export async function updateClose(
  tx: TenantTx,
  id: string,
  change: Partial<YearEndCloseRow>,
): Promise<YearEndCloseRow> {
  const [row] = await tx
    .update(tenant.yearEndCloses)
    .set({ ...change, updatedAt: new Date() })
    .where(eq(tenant.yearEndCloses.id, id))
    .returning();
  return row!;
}

/** The GL lines of a posted entry, in order. */
export async function entryLines(tx: TenantTx, entryId: string) {
  return tx
    .select()
    .from(tenant.glLines)
    .where(eq(tenant.glLines.entryId, entryId))
    .orderBy(asc(tenant.glLines.lineNumber));
}

/* ------------------------------------------------------------------ reversal requests */

export async function insertReversalRequest(
  tx: TenantTx,
  request: typeof tenant.yearEndCloseReversals.$inferInsert,
): Promise<YearEndReversalRow> {
  const [row] = await tx.insert(tenant.yearEndCloseReversals).values(request).returning();
  return row!;
}

export async function reversalRequest(tx: TenantTx, id: string, lock = false) {
  const q = tx.select().from(tenant.yearEndCloseReversals).where(eq(tenant.yearEndCloseReversals.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row ?? null;
}

export async function updateReversalRequest(
  tx: TenantTx,
  id: string,
  change: Partial<YearEndReversalRow>,
): Promise<YearEndReversalRow> {
  const [row] = await tx
    .update(tenant.yearEndCloseReversals)
    .set(change)
    .where(eq(tenant.yearEndCloseReversals.id, id))
    .returning();
  return row!;
}

/** Reversal requests of a fiscal year, newest first. */
export async function reversalRequestsOfYear(
  tx: TenantDb | TenantTx,
  fiscalYear: number,
): Promise<YearEndReversalRow[]> {
  return tx
    .select()
    .from(tenant.yearEndCloseReversals)
    .where(eq(tenant.yearEndCloseReversals.fiscalYear, fiscalYear))
    .orderBy(desc(tenant.yearEndCloseReversals.requestedAt));
}
