import { type PageInfo, pageInfoOf } from '@cifra/context';
import { type TenantDb, tenant } from '@cifra/db';
import { badInput, parseId, parseIsoDate } from '@cifra/domain';
import { and, desc, eq, getTableColumns, gte, lte, type SQL, sql } from 'drizzle-orm';
import type { DocumentKind, DocumentRow } from './store.ts';

export type SettlementStatus = 'OPEN' | 'PARTIALLY_PAID' | 'PAID' | 'VOIDED';

export interface DocumentFilter {
  kind?: DocumentKind | null;
  status?: DocumentRow['status'] | null;
  partyId?: string | null;
  settlementStatus?: SettlementStatus | null;
  from?: string | null;
  to?: string | null;
}

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 500;

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

/**
 * A document's place in the list: posting date, creation instant (as exact UTC text to the
 * microsecond, so no precision is lost through a JS Date) and id, the
 * tiebreak for documents created in one transaction.
 */
type Position = [postingDate: string, createdAt: string, id: string];

/** The creation instant in UTC to the microsecond, whatever the session's DateStyle and TimeZone. */
const TIMESTAMPTZ_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const createdAtText = sql<string>`to_char(${d.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
      TIMESTAMPTZ_TEXT.test(p[1]) &&
      typeof p[2] === 'string' &&
      UUID.test(p[2])
    ) {
      return p as Position;
    }
  } catch {
    // fall through
  }
  throw badInput('after: not a cursor this query returned', { field: 'after' });
}

export interface DocumentPage {
  edges: { cursor: string; node: DocumentRow }[];
  pageInfo: PageInfo;
}

/**
 * One page of the client's documents, newest first: posting date, then creation, then id, all
 * descending — a total order, so a keyset cursor never skips or repeats a document, even when
 * documents are added between pages. Fetches one row more than asked to tell whether a page follows.
 */
export async function listDocuments(
  db: TenantDb,
  args: { filter?: DocumentFilter | null; first?: number | null; after?: string | null },
): Promise<DocumentPage> {
  const filter = args.filter ?? {};
  const first = args.first ?? DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) {
    throw badInput(`first: between 0 and ${MAX_PAGE}`, { field: 'first' });
  }
  const where: SQL[] = [];
  if (filter.kind) where.push(eq(d.kind, filter.kind));
  if (filter.status) where.push(eq(d.status, filter.status));
  if (filter.partyId) where.push(eq(d.partyId, parseId(filter.partyId, 'filter.partyId')));
  if (filter.from) where.push(gte(d.postingDate, parseIsoDate(filter.from, 'from')));
  if (filter.to) where.push(lte(d.postingDate, parseIsoDate(filter.to, 'to')));
  if (filter.settlementStatus) where.push(SETTLEMENT[filter.settlementStatus]);
  if (args.after) {
    const [postingDate, createdAt, id] = decodeCursor(args.after);
    where.push(
      sql`(${d.postingDate}, ${d.createdAt}, ${d.id}) < (${postingDate}::date, ${createdAt}::timestamptz, ${id}::uuid)`,
    );
  }
  const rows = await db
    .select({ ...getTableColumns(d), createdAtText })
    .from(d)
    .where(and(...where))
    .orderBy(desc(d.postingDate), desc(d.createdAt), desc(d.id))
    .limit(first + 1);
  const edges = rows.slice(0, first).map(({ createdAtText: at, ...node }) => ({
    cursor: encodeCursor([node.postingDate, at, node.id]),
    node,
  }));
  return {
    edges,
    pageInfo: pageInfoOf(edges, rows.length > first, args.after),
  };
}
