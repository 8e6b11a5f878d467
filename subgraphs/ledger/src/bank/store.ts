import { bankLineMatchedOn, type TenantDb, tenant } from '@cifra/db';
import { DomainError, type IsoDate } from '@cifra/domain';
import type { TenantTx } from '@cifra/engine';
import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { ParsedStatement } from './formats/statement.ts';

/**
 * The bank feature's door to the database for bank accounts, statements and their lines (with the
 * statements' balances); the books' side is books-store.ts, matches and rules match-store.ts. Use
 * cases call these inside their own transaction.
 */

export type Db = TenantDb | TenantTx;
export type BankAccountRow = typeof tenant.bankAccounts.$inferSelect;
export type StatementRow = typeof tenant.bankStatements.$inferSelect;
export type StatementLineRow = typeof tenant.bankStatementLines.$inferSelect;
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

/**
 * Statement lines of the account dated up to `asOf` not matched on `asOf` (in no live match, or in
 * one with a line dated after `asOf`: `bankLineMatchedOn`).
 */
export async function unmatchedStatementLines(
  db: Db,
  accountId: string,
  asOf: IsoDate,
): Promise<StatementLineRow[]> {
  return db
    .select({ line: tenant.bankStatementLines })
    .from(tenant.bankStatementLines)
    .innerJoin(tenant.bankStatements, eq(tenant.bankStatements.id, tenant.bankStatementLines.statementId))
    .where(
      and(
        eq(tenant.bankStatements.bankAccountId, accountId),
        live,
        sql`${tenant.bankStatementLines.bookingDate} <= ${asOf}::date`,
        sql`NOT ${bankLineMatchedOn('statement_line_id', tenant.bankStatementLines.id, sql`${asOf}::date`)}`,
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
