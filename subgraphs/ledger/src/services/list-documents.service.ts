import { type TenantDb, tenant } from '@cifra/db';
import { parseId, parseIsoDate } from '@cifra/domain';
import { and, desc, eq, gte, lte, type SQL, sql } from 'drizzle-orm';
import type { DocumentKind, DocumentRow } from './documents.service.ts';

export type SettlementStatus = 'OPEN' | 'PARTIALLY_PAID' | 'PAID' | 'VOIDED';

export interface DocumentFilter {
  kind?: DocumentKind | null;
  status?: DocumentRow['status'] | null;
  partyId?: string | null;
  settlementStatus?: SettlementStatus | null;
  from?: string | null;
  to?: string | null;
}

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

export async function listDocuments(
  db: TenantDb,
  filter: DocumentFilter,
  first: number,
  offset: number,
): Promise<DocumentRow[]> {
  const where: SQL[] = [];
  if (filter.kind) where.push(eq(d.kind, filter.kind));
  if (filter.status) where.push(eq(d.status, filter.status));
  if (filter.partyId) where.push(eq(d.partyId, parseId(filter.partyId, 'filter.partyId')));
  if (filter.from) where.push(gte(d.postingDate, parseIsoDate(filter.from, 'from')));
  if (filter.to) where.push(lte(d.postingDate, parseIsoDate(filter.to, 'to')));
  if (filter.settlementStatus) where.push(SETTLEMENT[filter.settlementStatus]);
  return db
    .select()
    .from(d)
    .where(and(...where))
    .orderBy(desc(d.postingDate), desc(d.createdAt))
    .limit(Math.min(Math.max(first, 1), 500))
    .offset(Math.max(offset, 0));
}
