import { type TenantDb, tenant } from '@cifra/db';
import { DomainError, type IsoDate } from '@cifra/domain';
import type { TenantTx } from '@cifra/engine';
import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { ParsedStatement } from './formats/statement.ts';

/**
 * The bank feature's only door to the database: bank accounts, statements, matches, rules and
 * the reconciliation's sums. Use cases call these inside their own transaction.
 */

export type Db = TenantDb | TenantTx;
export type BankAccountRow = typeof tenant.bankAccounts.$inferSelect;
export type StatementRow = typeof tenant.bankStatements.$inferSelect;
export type StatementLineRow = typeof tenant.bankStatementLines.$inferSelect;
export type MatchRow = typeof tenant.bankMatches.$inferSelect;
export type RuleRow = typeof tenant.bankRules.$inferSelect;
export type AccountRow = typeof tenant.accounts.$inferSelect;

/** Statements not deleted: the only ones that count (chain, duplicates, balances, matching). */
const live = isNull(tenant.bankStatements.deletedAt);

export async function accountByCode(db: Db, code: string, field = 'accountCode'): Promise<AccountRow> {
  const [account] = await db.select().from(tenant.accounts).where(eq(tenant.accounts.code, code));
  if (!account) throw new DomainError('NOT_FOUND', `${field}: no account ${code}`, { field, value: code });
  return account;
}

export async function accountById(db: Db, id: string): Promise<AccountRow | undefined> {
  const [account] = await db.select().from(tenant.accounts).where(eq(tenant.accounts.id, id));
  return account;
}

export async function bankAccountOf(db: Db, accountId: string): Promise<BankAccountRow | undefined> {
  const [row] = await db
    .select()
    .from(tenant.bankAccounts)
    .where(eq(tenant.bankAccounts.accountId, accountId));
  return row;
}

/** The bank account row, locked: imports of one account's statements take turns on it. */
export async function lockBankAccount(tx: TenantTx, accountId: string): Promise<BankAccountRow | undefined> {
  const [row] = await tx
    .select()
    .from(tenant.bankAccounts)
    .where(eq(tenant.bankAccounts.accountId, accountId))
    .for('update');
  return row;
}

export async function listBankAccounts(db: Db): Promise<(BankAccountRow & { code: string; name: string })[]> {
  return db
    .select({
      accountId: tenant.bankAccounts.accountId,
      currency: tenant.bankAccounts.currency,
      csvMapping: tenant.bankAccounts.csvMapping,
      createdAt: tenant.bankAccounts.createdAt,
      code: tenant.accounts.code,
      name: tenant.accounts.name,
    })
    .from(tenant.bankAccounts)
    .innerJoin(tenant.accounts, eq(tenant.accounts.id, tenant.bankAccounts.accountId))
    .orderBy(asc(tenant.accounts.code));
}

export async function upsertBankAccount(
  tx: TenantTx,
  values: { accountId: string; currency: string; csvMapping?: unknown },
): Promise<BankAccountRow> {
  const [row] = await tx
    .insert(tenant.bankAccounts)
    .values(values)
    .onConflictDoUpdate({
      target: tenant.bankAccounts.accountId,
      set:
        values.csvMapping === undefined ? { currency: values.currency } : { csvMapping: values.csvMapping },
    })
    .returning();
  return row!;
}

export async function hasStatements(db: Db, accountId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: tenant.bankStatements.id })
    .from(tenant.bankStatements)
    .where(and(eq(tenant.bankStatements.bankAccountId, accountId), live))
    .limit(1);
  return !!row;
}

export async function lastStatement(db: Db, accountId: string): Promise<StatementRow | undefined> {
  const [row] = await db
    .select()
    .from(tenant.bankStatements)
    .where(and(eq(tenant.bankStatements.bankAccountId, accountId), live))
    .orderBy(desc(tenant.bankStatements.seq))
    .limit(1);
  return row;
}

/** An earlier live import of the same statement: the same content, or the same bank statement id. */
export async function sameStatement(
  db: Db,
  accountId: string,
  digest: string,
  bankStatementId: string | null,
): Promise<StatementRow | undefined> {
  const [row] = await db
    .select()
    .from(tenant.bankStatements)
    .where(
      and(
        eq(tenant.bankStatements.bankAccountId, accountId),
        live,
        bankStatementId
          ? or(
              eq(tenant.bankStatements.digest, digest),
              eq(tenant.bankStatements.bankStatementId, bankStatementId),
            )
          : eq(tenant.bankStatements.digest, digest),
      ),
    )
    .limit(1);
  return row;
}

const LINE_CHUNK = 2_000;

export async function insertStatement(
  tx: TenantTx,
  s: ParsedStatement & {
    bankAccountId: string;
    seq: number;
    format: string;
    digest: string;
    importedBy: string | null;
  },
): Promise<StatementRow> {
  const [row] = await tx
    .insert(tenant.bankStatements)
    .values({
      bankAccountId: s.bankAccountId,
      seq: s.seq,
      format: s.format,
      bankStatementId: s.bankStatementId,
      digest: s.digest,
      periodStart: s.periodStart,
      periodEnd: s.periodEnd,
      openingBalanceMinor: s.openingMinor,
      closingBalanceMinor: s.closingMinor,
      importedBy: s.importedBy,
    })
    .returning();
  for (let i = 0; i < s.lines.length; i += LINE_CHUNK) {
    await tx.insert(tenant.bankStatementLines).values(
      s.lines.slice(i, i + LINE_CHUNK).map((l, j) => ({
        statementId: row!.id,
        lineNumber: i + j + 1,
        bookingDate: l.bookingDate,
        amountMinor: l.amountMinor,
        description: l.description,
        reference: l.reference,
        counterparty: l.counterparty,
      })),
    );
  }
  return row!;
}

export async function statementById(db: Db, id: string): Promise<StatementRow | undefined> {
  const [row] = await db.select().from(tenant.bankStatements).where(eq(tenant.bankStatements.id, id));
  return row;
}

/** The account's live statements in their order. */
export async function statementsOf(db: Db, accountId: string): Promise<StatementRow[]> {
  return db
    .select()
    .from(tenant.bankStatements)
    .where(and(eq(tenant.bankStatements.bankAccountId, accountId), live))
    .orderBy(asc(tenant.bankStatements.seq));
}

/** A statement line with its live match, if any. */
export interface LineWithMatch extends StatementLineRow {
  matchId: string | null;
}

export async function linesOf(db: Db, statementIds: readonly string[]): Promise<LineWithMatch[]> {
  if (!statementIds.length) return [];
  const rows = await db
    .select({ line: tenant.bankStatementLines, matchId: tenant.bankMatchItems.matchId })
    .from(tenant.bankStatementLines)
    .leftJoin(
      tenant.bankMatchItems,
      and(
        eq(tenant.bankMatchItems.statementLineId, tenant.bankStatementLines.id),
        eq(tenant.bankMatchItems.active, true),
      ),
    )
    .where(inArray(tenant.bankStatementLines.statementId, [...statementIds]))
    .orderBy(asc(tenant.bankStatementLines.statementId), asc(tenant.bankStatementLines.lineNumber));
  return rows.map((r) => ({ ...r.line, matchId: r.matchId }));
}

/** Statement lines by id, with the bank account their statement belongs to (deleted ones too). */
export async function statementLinesByIds(
  db: Db,
  ids: readonly string[],
): Promise<(StatementLineRow & { bankAccountId: string })[]> {
  if (!ids.length) return [];
  const rows = await db
    .select({ line: tenant.bankStatementLines, bankAccountId: tenant.bankStatements.bankAccountId })
    .from(tenant.bankStatementLines)
    .innerJoin(tenant.bankStatements, eq(tenant.bankStatements.id, tenant.bankStatementLines.statementId))
    .where(inArray(tenant.bankStatementLines.id, [...ids]));
  return rows.map((r) => ({ ...r.line, bankAccountId: r.bankAccountId }));
}

/**
 * Lines of live statements by id, for matching: their statements share-locked, so a deletion of
 * the statement waits for the match (and then sees it), or a match waiting for a deletion finds
 * the line gone.
 */
export async function liveStatementLinesForMatch(
  tx: TenantTx,
  ids: readonly string[],
): Promise<(StatementLineRow & { bankAccountId: string })[]> {
  if (!ids.length) return [];
  const rows = await tx
    .select({ line: tenant.bankStatementLines, bankAccountId: tenant.bankStatements.bankAccountId })
    .from(tenant.bankStatementLines)
    .innerJoin(tenant.bankStatements, eq(tenant.bankStatements.id, tenant.bankStatementLines.statementId))
    .where(and(inArray(tenant.bankStatementLines.id, [...ids]), live))
    .orderBy(asc(tenant.bankStatements.id))
    .for('share', { of: tenant.bankStatements });
  return rows.map((r) => ({ ...r.line, bankAccountId: r.bankAccountId }));
}

/** A statement, locked for its deletion. */
export async function lockStatement(tx: TenantTx, id: string): Promise<StatementRow | undefined> {
  const [row] = await tx
    .select()
    .from(tenant.bankStatements)
    .where(eq(tenant.bankStatements.id, id))
    .for('update');
  return row;
}

/** How many of the statement's lines are in a live match. */
export async function matchedLineCount(db: Db, statementId: string): Promise<number> {
  const { rows } = await db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM bank_match_items i JOIN bank_statement_lines l ON l.id = i.statement_line_id
    WHERE i.active AND l.statement_id = ${statementId}`);
  return Number(rows[0]?.n ?? 0);
}

export async function markStatementDeleted(
  tx: TenantTx,
  id: string,
  by: string | null,
  reason: string,
): Promise<StatementRow> {
  const [row] = await tx
    .update(tenant.bankStatements)
    .set({ deletedAt: sql`now()`, deletedBy: by, deleteReason: reason })
    .where(eq(tenant.bankStatements.id, id))
    .returning();
  return row!;
}

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
 * GL lines of the bank account not in a live match, dated up to `asOf` (and from `from`), leaving
 * out an entry and its reversal once both are dated by `asOf`: together they moved nothing.
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
      AND NOT EXISTS (SELECT 1 FROM bank_match_items i WHERE i.gl_line_id = l.id AND i.active)
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

/** Statement lines of the account dated up to `asOf` not in a live match. */
export async function unmatchedStatementLines(
  db: Db,
  accountId: string,
  asOf: IsoDate,
): Promise<StatementLineRow[]> {
  return db
    .select({ line: tenant.bankStatementLines })
    .from(tenant.bankStatementLines)
    .innerJoin(tenant.bankStatements, eq(tenant.bankStatements.id, tenant.bankStatementLines.statementId))
    .leftJoin(
      tenant.bankMatchItems,
      and(
        eq(tenant.bankMatchItems.statementLineId, tenant.bankStatementLines.id),
        eq(tenant.bankMatchItems.active, true),
      ),
    )
    .where(
      and(
        eq(tenant.bankStatements.bankAccountId, accountId),
        live,
        sql`${tenant.bankStatementLines.bookingDate} <= ${asOf}::date`,
        isNull(tenant.bankMatchItems.id),
      ),
    )
    .orderBy(asc(tenant.bankStatementLines.bookingDate), asc(tenant.bankStatementLines.lineNumber))
    .then((rows) => rows.map((r) => r.line));
}

/**
 * The bank's balance on `asOf`: the last statement that has begun by then, its opening balance
 * plus its lines up to `asOf`; null before the first statement.
 */
export async function statementBalance(
  db: Db,
  accountId: string,
  asOf: IsoDate,
): Promise<{ balance: bigint; statement: StatementRow } | null> {
  const [statement] = await db
    .select()
    .from(tenant.bankStatements)
    .where(
      and(
        eq(tenant.bankStatements.bankAccountId, accountId),
        live,
        sql`${tenant.bankStatements.periodStart} <= ${asOf}::date`,
      ),
    )
    .orderBy(desc(tenant.bankStatements.seq))
    .limit(1);
  if (!statement) return null;
  const { rows } = await db.execute<{ total: string | null }>(sql`
    SELECT sum(amount_minor)::text AS total FROM bank_statement_lines
    WHERE statement_id = ${statement.id} AND booking_date <= ${asOf}::date`);
  return { balance: statement.openingBalanceMinor + BigInt(rows[0]?.total ?? '0'), statement };
}

export async function firstStatementStart(db: Db, accountId: string): Promise<IsoDate | null> {
  const [row] = await db
    .select({ start: tenant.bankStatements.periodStart })
    .from(tenant.bankStatements)
    .where(and(eq(tenant.bankStatements.bankAccountId, accountId), live))
    .orderBy(asc(tenant.bankStatements.seq))
    .limit(1);
  return row?.start ?? null;
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

export async function insertMatch(
  tx: TenantTx,
  m: { bankAccountId: string; kind: 'SUGGESTED' | 'MANUAL' | 'CREATED'; matchedBy: string | null },
  statementLineIds: readonly string[],
  glLineIds: readonly bigint[],
): Promise<MatchRow> {
  const [match] = await tx.insert(tenant.bankMatches).values(m).returning();
  await tx
    .insert(tenant.bankMatchItems)
    .values([
      ...statementLineIds.map((statementLineId) => ({ matchId: match!.id, statementLineId })),
      ...glLineIds.map((glLineId) => ({ matchId: match!.id, glLineId })),
    ]);
  return match!;
}

export async function lockMatch(tx: TenantTx, id: string): Promise<MatchRow | undefined> {
  const [row] = await tx.select().from(tenant.bankMatches).where(eq(tenant.bankMatches.id, id)).for('update');
  return row;
}

export async function matchById(db: Db, id: string): Promise<MatchRow | undefined> {
  const [row] = await db.select().from(tenant.bankMatches).where(eq(tenant.bankMatches.id, id));
  return row;
}

export async function matchItems(
  db: Db,
  matchIds: readonly string[],
): Promise<(typeof tenant.bankMatchItems.$inferSelect)[]> {
  if (!matchIds.length) return [];
  return db
    .select()
    .from(tenant.bankMatchItems)
    .where(inArray(tenant.bankMatchItems.matchId, [...matchIds]))
    .orderBy(asc(tenant.bankMatchItems.id));
}

export async function markUnmatched(
  tx: TenantTx,
  id: string,
  by: string | null,
  reason: string,
): Promise<MatchRow> {
  await tx
    .update(tenant.bankMatchItems)
    .set({ active: false })
    .where(and(eq(tenant.bankMatchItems.matchId, id), eq(tenant.bankMatchItems.active, true)));
  const [row] = await tx
    .update(tenant.bankMatches)
    .set({ unmatchedAt: sql`now()`, unmatchedBy: by, unmatchReason: reason })
    .where(eq(tenant.bankMatches.id, id))
    .returning();
  return row!;
}

export async function insertRule(
  tx: TenantTx,
  values: { bankAccountId: string | null; pattern: string; accountId: string; createdBy: string | null },
): Promise<RuleRow> {
  const [row] = await tx.insert(tenant.bankRules).values(values).returning();
  return row!;
}

/**
 * Rules that apply to the bank account, oldest first: the active ones (the first that fits wins),
 * or with `withInactive` the deactivated ones too, for listing.
 */
export async function rulesFor(db: Db, accountId: string | null, withInactive = false): Promise<RuleRow[]> {
  return db
    .select()
    .from(tenant.bankRules)
    .where(
      and(
        withInactive ? undefined : eq(tenant.bankRules.active, true),
        accountId
          ? or(isNull(tenant.bankRules.bankAccountId), eq(tenant.bankRules.bankAccountId, accountId))
          : undefined,
      ),
    )
    .orderBy(asc(tenant.bankRules.createdAt), asc(tenant.bankRules.id));
}

export async function lockRule(tx: TenantTx, id: string): Promise<RuleRow | undefined> {
  const [row] = await tx.select().from(tenant.bankRules).where(eq(tenant.bankRules.id, id)).for('update');
  return row;
}

export async function setRuleActive(tx: TenantTx, id: string, active: boolean): Promise<RuleRow> {
  const [row] = await tx
    .update(tenant.bankRules)
    .set({ active })
    .where(eq(tenant.bankRules.id, id))
    .returning();
  return row!;
}

/** The GL lines of an entry on one account. */
export async function entryLinesOn(db: Db, entryId: string, accountId: string): Promise<{ id: bigint }[]> {
  return db
    .select({ id: tenant.glLines.id })
    .from(tenant.glLines)
    .where(and(eq(tenant.glLines.entryId, entryId), eq(tenant.glLines.accountId, accountId)))
    .orderBy(asc(tenant.glLines.lineNumber));
}

/** The match an entry posted from a statement line was made with (since unmatched or not), if any. */
export async function createdMatchOf(db: Db, glLineIds: readonly bigint[]): Promise<MatchRow | undefined> {
  if (!glLineIds.length) return undefined;
  const [row] = await db
    .select({ match: tenant.bankMatches })
    .from(tenant.bankMatchItems)
    .innerJoin(tenant.bankMatches, eq(tenant.bankMatches.id, tenant.bankMatchItems.matchId))
    .where(
      and(inArray(tenant.bankMatchItems.glLineId, [...glLineIds]), eq(tenant.bankMatches.kind, 'CREATED')),
    )
    .orderBy(asc(tenant.bankMatches.createdAt))
    .limit(1);
  return row?.match;
}
