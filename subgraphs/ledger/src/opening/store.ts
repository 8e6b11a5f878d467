import { holdPeriodsBefore, type TenantDb, tenant } from '@cifra/db';
import type { IsoDate } from '@cifra/domain';
import type { TenantTx } from '@cifra/engine';
import { and, asc, desc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';

/**
 * The opening balances feature's only door to the database: what the check reads (accounts,
 * parties, numbers in use, the period, balances before the opening date, a live import) and what
 * the import and its void write (the import row, its open items as posted documents).
 */

export type Reader = Pick<TenantTx, 'select' | 'execute'>;
export type ImportRow = typeof tenant.openingImports.$inferSelect;
export type AccountRow = typeof tenant.accounts.$inferSelect;
export type PartyRow = typeof tenant.parties.$inferSelect;
export type DocumentInsert = typeof tenant.documents.$inferInsert;

/**
 * Two imports of one client at once queue here (the partial unique index is the backstop); then
 * the books are held as they must be seen empty before `openingDate`: no year opened meanwhile,
 * every earlier period's gate exclusive (`holdPeriodsBefore`), so a posting dated before it that is
 * in flight commits before the check reads the balances, and one that comes later waits for the
 * import and is refused (BEFORE_OPENING_BALANCES).
 */
export async function lockOpeningImports(tx: Reader, openingDate: IsoDate): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('cifra.opening-balances', 0))`);
  await holdPeriodsBefore(tx, openingDate);
}

export async function liveImport(db: Reader): Promise<ImportRow | undefined> {
  const [row] = await db.select().from(tenant.openingImports).where(isNull(tenant.openingImports.voidedAt));
  return row;
}

export async function importsNewestFirst(db: TenantDb): Promise<ImportRow[]> {
  return db.select().from(tenant.openingImports).orderBy(desc(tenant.openingImports.importedAt));
}

export async function lockImport(tx: TenantTx, id: string): Promise<ImportRow | undefined> {
  const [row] = await tx
    .select()
    .from(tenant.openingImports)
    .where(eq(tenant.openingImports.id, id))
    .for('update');
  return row;
}

export async function accountsByCode(db: Reader, codes: readonly string[]): Promise<Map<string, AccountRow>> {
  if (codes.length === 0) return new Map();
  const rows = await db
    .select()
    .from(tenant.accounts)
    .where(inArray(tenant.accounts.code, [...codes]));
  return new Map(rows.map((a) => [a.code, a]));
}

/** Role → account id, for every bound role. */
export async function roleBindings(db: Reader): Promise<Map<string, string>> {
  const rows = await db.select().from(tenant.accountRoleBindings);
  return new Map(rows.map((r) => [r.role, r.accountId]));
}

/** Parties by id (any kind) and by kind/code, for the ids and codes the input names. */
export async function partiesNamed(
  db: Reader,
  ids: readonly string[],
  codes: readonly string[],
): Promise<{ byId: Map<string, PartyRow>; byKindCode: Map<string, PartyRow> }> {
  const where: SQL[] = [];
  if (ids.length) where.push(inArray(tenant.parties.id, [...ids]));
  if (codes.length) where.push(inArray(tenant.parties.code, [...codes]));
  const rows = where.length ? await db.select().from(tenant.parties).where(sql.join(where, sql` OR `)) : [];
  return {
    byId: new Map(rows.map((p) => [p.id, p])),
    byKindCode: new Map(rows.map((p) => [`${p.kind}/${p.code}`, p])),
  };
}

/**
 * Which of these document numbers are taken already, each with whether its holder is an open item
 * of a voided import (a corrected import may then number its own item after it).
 */
export async function numbersTaken(db: Reader, numbers: readonly string[]): Promise<Map<string, boolean>> {
  if (numbers.length === 0) return new Map();
  const d = tenant.documents;
  const rows = await db
    .select({
      number: d.number,
      voidedOpening: sql<boolean>`${d.openingImportId} IS NOT NULL
        AND EXISTS (SELECT 1 FROM ${tenant.voids} v WHERE v.document_id = ${d.id})`,
    })
    .from(d)
    .where(inArray(d.number, [...numbers]));
  return new Map(rows.map((r) => [r.number as string, r.voidedOpening]));
}

/** How many imports the client has had (voided ones included). */
export async function importCount(db: Reader): Promise<number> {
  const rows = await db.select({ id: tenant.openingImports.id }).from(tenant.openingImports);
  return rows.length;
}

/** Every prefix cifraHQ numbers documents with (configured, or already numbering a year). */
export async function numberingPrefixes(db: Reader): Promise<string[]> {
  const configured = await db
    .select({ prefix: tenant.numberingPrefixes.prefix })
    .from(tenant.numberingPrefixes);
  const sequences = await db.select({ prefix: tenant.numberSequences.prefix }).from(tenant.numberSequences);
  return [...new Set([...configured, ...sequences].map((r) => r.prefix))];
}

export async function periodStartingOn(db: Reader, date: IsoDate) {
  const [row] = await db
    .select()
    .from(tenant.postingPeriods)
    .where(eq(tenant.postingPeriods.startDate, date));
  return row;
}

/** How many accounts carry a balance from entries dated before `date` (voids net out). */
export async function accountsWithBalanceBefore(db: Reader, date: IsoDate): Promise<number> {
  const { rows } = await db.execute<{ n: string }>(sql`
    SELECT count(*)::text AS n FROM (
      SELECT l.account_id FROM ${tenant.glLines} l WHERE l.posting_date < ${date}
       GROUP BY l.account_id HAVING sum(l.amount_minor) <> 0) x`);
  return Number(rows[0]?.n ?? 0);
}

export async function insertImport(tx: TenantTx, values: typeof tenant.openingImports.$inferInsert) {
  const [row] = await tx.insert(tenant.openingImports).values(values).returning();
  if (!row) throw new Error('opening import insert returned nothing');
  return row;
}

export async function insertOpenItems(tx: TenantTx, rows: DocumentInsert[]): Promise<void> {
  if (rows.length) await tx.insert(tenant.documents).values(rows);
}

/** The open items an import brought, by number. */
/**
 * The import's open items and credits locked, in id order as the postings lock the invoices and
 * credits they settle: a receipt, application or refund of one of them posts before a void of the
 * import reads what settles them, or after it has voided them (and is refused, the item voided).
 */
export async function lockOpenItems(tx: TenantTx, importId: string): Promise<void> {
  await tx
    .select({ id: tenant.documents.id })
    .from(tenant.documents)
    .where(eq(tenant.documents.openingImportId, importId))
    .orderBy(asc(tenant.documents.id))
    .for('update');
}

export async function openItemsOf(db: Reader, importId: string) {
  return db
    .select()
    .from(tenant.documents)
    .where(eq(tenant.documents.openingImportId, importId))
    .orderBy(asc(tenant.documents.number));
}

export async function markVoided(
  tx: TenantTx,
  id: string,
  change: { voidedBy: string | null; voidReason: string; voidDate: IsoDate },
): Promise<ImportRow> {
  const [row] = await tx
    .update(tenant.openingImports)
    .set({ ...change, voidedAt: new Date() })
    .where(and(eq(tenant.openingImports.id, id), isNull(tenant.openingImports.voidedAt)))
    .returning();
  return row as ImportRow;
}

export async function importById(db: Reader, id: string): Promise<ImportRow | undefined> {
  const [row] = await db.select().from(tenant.openingImports).where(eq(tenant.openingImports.id, id));
  return row;
}
