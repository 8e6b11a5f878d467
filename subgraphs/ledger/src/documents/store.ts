import { tenant } from '@cifra/db';
import { badInput, DomainError, decimalOf, translateAtRate } from '@cifra/domain';
import type { TenantTx } from '@cifra/engine';
import { and, asc, desc, eq, getTableColumns, gte, inArray, lte, type SQL, sql } from 'drizzle-orm';
import { isInvoiceLike } from './kinds.ts';

/**
 * The documents feature's only door to the database: every query the use cases (drafts, posting,
 * voids, lists) make is here; they call these inside their own transaction.
 */

export type DocumentRow = typeof tenant.documents.$inferSelect;
export type DocumentLineRow = typeof tenant.documentLines.$inferSelect;
export type DocumentKind = DocumentRow['kind'];
export type PartyRow = typeof tenant.parties.$inferSelect;
export type AccountRole = (typeof tenant.accountRole.enumValues)[number];
export type TaxCodeRow = typeof tenant.taxCodes.$inferSelect;
export type CompanyRow = typeof tenant.company.$inferSelect;
type Allocation = { invoiceId: string; amountMinor: bigint };

export type Reader = Pick<TenantTx, 'select' | 'execute'>;

/**
 * The party of a document, of the kind it must be and active — except when `inactiveOk` (a
 * bad-debt write-off: a customer deactivated before deactivation required nothing open may still
 * carry an invoice).
 */
export async function loadParty(
  db: Reader,
  id: string,
  kind: PartyRow['kind'],
  inactiveOk = false,
): Promise<PartyRow> {
  const [party] = await db.select().from(tenant.parties).where(eq(tenant.parties.id, id));
  return checkParty(party, id, kind, inactiveOk);
}

/** The party loaded for a document, checked as `loadParty` checks it. */
export function checkParty(
  party: PartyRow | undefined,
  id: string,
  kind: PartyRow['kind'],
  inactiveOk = false,
): PartyRow {
  const noun = kind === 'CUSTOMER' ? 'customer' : 'vendor';
  if (!party || party.kind !== kind)
    throw badInput(`partyId: no ${noun} ${id}`, { field: 'partyId', value: id });
  if (!party.active && !inactiveOk)
    throw badInput(`partyId: ${noun} ${party.code} is inactive`, { field: 'partyId', value: id });
  return party;
}

/** The accounts bound to roles: the engine finds accounts by role, never by code. */
export async function roleAccounts(db: Reader): Promise<Map<AccountRole, string>> {
  const rows = await db.select().from(tenant.accountRoleBindings);
  return new Map(rows.map((r) => [r.role, r.accountId]));
}

/** Open balance of invoices (document currency): total minus what non-voided documents settle. */
export async function settledMinor(db: Reader, invoiceIds: readonly string[]): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>(invoiceIds.map((id) => [id, 0n]));
  if (invoiceIds.length === 0) return out;
  const rows = await db
    .select({
      invoiceId: tenant.allocations.invoiceId,
      settled: sql<string>`sum(${tenant.allocations.amountMinor})`,
    })
    .from(tenant.allocations)
    .where(
      and(
        inArray(tenant.allocations.invoiceId, [...invoiceIds]),
        sql`NOT EXISTS (SELECT 1 FROM ${tenant.voids} v WHERE v.document_id = ${tenant.allocations.sourceDocumentId})`,
      ),
    )
    .groupBy(tenant.allocations.invoiceId);
  for (const r of rows) out.set(r.invoiceId, BigInt(r.settled));
  return out;
}

export async function isVoided(db: Reader, documentId: string): Promise<boolean> {
  const [row] = await db
    .select({ entryId: tenant.voids.entryId })
    .from(tenant.voids)
    .where(eq(tenant.voids.documentId, documentId));
  return !!row;
}

/** A draft parsed and checked, ready to write. */
export interface PreparedDocument {
  values: Omit<typeof tenant.documents.$inferInsert, 'kind'>;
  lines: Omit<typeof tenant.documentLines.$inferInsert, 'documentId'>[];
  allocations: { invoiceId: string; amountMinor: bigint }[];
  /** An invoice's or note's lines priced again at these tax codes (`holdTaxCodes`), with its totals. */
  repriced?: (taxes: Map<string, TaxCodeRow>) => PreparedDocument;
}

/** A draft's lines, and a receipt's or payment's proposed allocations. */
export async function writeDraftContent(
  tx: TenantTx,
  documentId: string,
  prepared: PreparedDocument,
  kind: DocumentKind,
) {
  if (prepared.lines.length) {
    await tx.insert(tenant.documentLines).values(prepared.lines.map((l) => ({ ...l, documentId })));
  }
  // Notes settle their invoice through documents.applies_to_id; only receipts and payments keep
  // a proposal in draft_allocations.
  if (!isInvoiceLike(kind)) await insertDraftAllocations(tx, documentId, prepared.allocations);
}

/** A receipt's, payment's or write-off's proposed allocations, in order. */
export async function insertDraftAllocations(
  tx: TenantTx,
  documentId: string,
  allocations: readonly Allocation[],
): Promise<void> {
  if (allocations.length === 0) return;
  await tx
    .insert(tenant.draftAllocations)
    .values(allocations.map((a, i) => ({ documentId, lineNumber: i + 1, ...a })));
}

export async function lockDocument(tx: TenantTx, id: string): Promise<DocumentRow> {
  const [doc] = await tx.select().from(tenant.documents).where(eq(tenant.documents.id, id)).for('update');
  if (!doc) throw new DomainError('NOT_FOUND', `No document ${id}`, { id });
  return doc;
}

/** A live (not voided) settlement of an invoice: what it settled, and the base it cleared if recorded. */
export type LiveAllocation = Pick<
  typeof tenant.allocations.$inferSelect,
  'invoiceId' | 'amountMinor' | 'baseAmountMinor'
>;

/**
 * Base currency already cleared on each invoice by its live (not voided) settlements, read with the
 * invoices locked (`lockSettledInvoices`). Allocations posted before the FX work carry no base
 * amount: they were all made at the invoice's own rate.
 */
export function clearedBaseFrom(
  live: readonly LiveAllocation[],
  invoices: readonly DocumentRow[],
  minorUnits: number,
  baseMinorUnits: number,
): Map<string, bigint> {
  const out = new Map<string, bigint>(invoices.map((i) => [i.id, 0n]));
  const byId = new Map(invoices.map((i) => [i.id, i]));
  for (const r of live) {
    const invoice = byId.get(r.invoiceId);
    if (!invoice) continue;
    const base =
      r.baseAmountMinor ??
      translateAtRate(r.amountMinor, decimalOf(invoice.exchangeRate ?? '1'), minorUnits, baseMinorUnits);
    out.set(r.invoiceId, (out.get(r.invoiceId) ?? 0n) + base);
  }
  return out;
}

/** A document by id, or undefined. */
export async function documentById(db: Reader, id: string): Promise<DocumentRow | undefined> {
  const [doc] = await db.select().from(tenant.documents).where(eq(tenant.documents.id, id));
  return doc;
}

/** Documents by id (unlocked), keyed by id. */
export async function documentsById(db: Reader, ids: readonly string[]): Promise<Map<string, DocumentRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(tenant.documents)
    .where(inArray(tenant.documents.id, [...ids]));
  return new Map(rows.map((d) => [d.id, d]));
}

/** The draft under an idempotency key, if any. */
export async function documentUnderKey(db: Reader, key: string): Promise<DocumentRow | undefined> {
  const [doc] = await db.select().from(tenant.documents).where(eq(tenant.documents.idempotencyKey, key));
  return doc;
}

export async function itemsByCode(db: Reader, codes: readonly string[]) {
  const rows = codes.length
    ? await db
        .select()
        .from(tenant.items)
        .where(inArray(tenant.items.code, [...codes]))
    : [];
  return new Map(rows.map((i) => [i.code, i]));
}

export async function accountsByCode(db: Reader, codes: readonly string[]) {
  const rows = codes.length
    ? await db
        .select()
        .from(tenant.accounts)
        .where(inArray(tenant.accounts.code, [...codes]))
    : [];
  return new Map(rows.map((a) => [a.code, a]));
}

/**
 * The tax codes by code. With `on` (a document's date), only active codes, each at the rate in
 * force that day (`tax_code_rates`; a code without a dated rate keeps its own); without, every
 * code as stored (posting reads only their tax roles).
 */
export async function taxCodes(db: Reader, on?: string): Promise<Map<string, TaxCodeRow>> {
  const rows = await db.select().from(tenant.taxCodes);
  if (on === undefined) return new Map(rows.map((t) => [t.code, t]));
  const rates = await db
    .select()
    .from(tenant.taxCodeRates)
    .where(lte(tenant.taxCodeRates.effectiveFrom, on))
    .orderBy(asc(tenant.taxCodeRates.effectiveFrom));
  // Ascending by date: the last rate of a code seen is the one in force on `on`.
  const rateOf = new Map(rates.map((r) => [r.taxCode, r.ratePercent]));
  return new Map(
    rows
      .filter((t) => t.active)
      .map((t) => [t.code, { ...t, ratePercent: rateOf.get(t.code) ?? t.ratePercent }]),
  );
}

/**
 * The tax codes as `taxCodes(tx, on)` reads them, read once `codes` are held FOR SHARE (in code
 * order) until the transaction ends: a new rate of one of them (`updateTaxCode` locks the code FOR
 * UPDATE) waits for the draft written here and then sees it, and one committed before is read here.
 */
export async function holdTaxCodes(
  tx: TenantTx,
  codes: readonly string[],
  on: string,
): Promise<Map<string, TaxCodeRow>> {
  const t = tenant.taxCodes;
  if (codes.length > 0) {
    await tx
      .select({ code: t.code })
      .from(t)
      .where(inArray(t.code, [...codes]))
      .orderBy(asc(t.code))
      .for('share');
  }
  return taxCodes(tx, on);
}

/** A document's lines in order. */
export async function documentLines(db: Reader, documentId: string): Promise<DocumentLineRow[]> {
  return db
    .select()
    .from(tenant.documentLines)
    .where(eq(tenant.documentLines.documentId, documentId))
    .orderBy(asc(tenant.documentLines.lineNumber));
}

/** A receipt's or payment's proposed allocations, in order. */
export async function draftAllocations(db: Reader, documentId: string): Promise<Allocation[]> {
  return db
    .select({
      invoiceId: tenant.draftAllocations.invoiceId,
      amountMinor: tenant.draftAllocations.amountMinor,
    })
    .from(tenant.draftAllocations)
    .where(eq(tenant.draftAllocations.documentId, documentId))
    .orderBy(asc(tenant.draftAllocations.lineNumber));
}

export async function insertDocument(
  tx: TenantTx,
  values: typeof tenant.documents.$inferInsert,
): Promise<DocumentRow> {
  const [doc] = await tx.insert(tenant.documents).values(values).returning();
  if (!doc) throw new Error('document insert returned nothing');
  return doc;
}

export async function updateDocument(
  tx: TenantTx,
  id: string,
  change: Partial<typeof tenant.documents.$inferInsert>,
): Promise<DocumentRow> {
  const [doc] = await tx
    .update(tenant.documents)
    .set({ ...change, updatedAt: new Date() })
    .where(eq(tenant.documents.id, id))
    .returning();
  return doc as DocumentRow;
}

/** A draft's lines and proposed allocations, removed before its content is written again. */
export async function clearDraftContent(tx: TenantTx, id: string): Promise<void> {
  await tx.delete(tenant.documentLines).where(eq(tenant.documentLines.documentId, id));
  await tx.delete(tenant.draftAllocations).where(eq(tenant.draftAllocations.documentId, id));
}

/** A posted document's allocations become facts, with what each cleared in base and its realized FX. */
export async function insertAllocations(
  tx: TenantTx,
  rows: (typeof tenant.allocations.$inferInsert)[],
): Promise<void> {
  if (rows.length) await tx.insert(tenant.allocations).values(rows);
}

/** The documents (not voided) that still settle an invoice. */
export async function liveSettlementsOf(db: Reader, invoiceId: string) {
  return db
    .select({ number: tenant.documents.number, kind: tenant.documents.kind })
    .from(tenant.allocations)
    .innerJoin(tenant.documents, eq(tenant.documents.id, tenant.allocations.sourceDocumentId))
    .where(
      and(
        eq(tenant.allocations.invoiceId, invoiceId),
        sql`NOT EXISTS (SELECT 1 FROM ${tenant.voids} v WHERE v.document_id = ${tenant.documents.id})`,
      ),
    );
}

// The list of documents (`list.ts`): the filters as SQL, and one keyset page.

export type SettlementStatus = 'OPEN' | 'PARTIALLY_PAID' | 'PAID' | 'VOIDED';

const d = tenant.documents;
const voided = sql`EXISTS (SELECT 1 FROM ${tenant.voids} v WHERE v.document_id = ${d.id})`;
/** What non-voided receipts, payments and notes settle of an invoice. */
const settled = sql`coalesce((SELECT sum(a.amount_minor) FROM ${tenant.allocations} a
  WHERE a.invoice_id = ${d.id}
    AND NOT EXISTS (SELECT 1 FROM ${tenant.voids} v WHERE v.document_id = a.source_document_id)), 0)`;
const isInvoice = sql`${d.kind} IN ('SALES_INVOICE', 'PURCHASE_INVOICE') AND ${d.status} = 'POSTED'`;

const SETTLEMENT: Record<SettlementStatus, SQL> = {
  VOIDED: sql`${isInvoice} AND ${voided}`,
  OPEN: sql`${isInvoice} AND NOT ${voided} AND ${settled} = 0`,
  PARTIALLY_PAID: sql`${isInvoice} AND NOT ${voided} AND ${settled} > 0 AND ${settled} < ${d.totalMinor}`,
  PAID: sql`${isInvoice} AND NOT ${voided} AND ${settled} >= ${d.totalMinor}`,
};

/** The creation instant in UTC to the microsecond, whatever the session's DateStyle and TimeZone. */
const createdAtText = sql<string>`to_char(${d.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A parsed filter of `documents`: every field already checked. */
export interface DocumentListFilter {
  kind: DocumentKind | null;
  status: DocumentRow['status'] | null;
  partyId: string | null;
  from: string | null;
  to: string | null;
  settlementStatus: SettlementStatus | null;
}

/**
 * Up to `limit` documents after `after` (posting date, creation instant as UTC text, id), newest
 * first in that total order, each with its creation instant as the text a cursor keeps.
 */
export async function pageOfDocuments(
  db: Reader,
  filter: DocumentListFilter,
  after: readonly [postingDate: string, createdAt: string, id: string] | null,
  limit: number,
): Promise<(DocumentRow & { createdAtText: string })[]> {
  const where: SQL[] = [];
  if (filter.kind) where.push(eq(d.kind, filter.kind));
  if (filter.status) where.push(eq(d.status, filter.status));
  if (filter.partyId) where.push(eq(d.partyId, filter.partyId));
  if (filter.from) where.push(gte(d.postingDate, filter.from));
  if (filter.to) where.push(lte(d.postingDate, filter.to));
  if (filter.settlementStatus) where.push(SETTLEMENT[filter.settlementStatus]);
  if (after) {
    const [postingDate, createdAt, id] = after;
    where.push(
      sql`(${d.postingDate}, ${d.createdAt}, ${d.id}) < (${postingDate}::date, ${createdAt}::timestamptz, ${id}::uuid)`,
    );
  }
  return db
    .select({ ...getTableColumns(d), createdAtText })
    .from(d)
    .where(and(...where))
    .orderBy(desc(d.postingDate), desc(d.createdAt), desc(d.id))
    .limit(limit);
}
