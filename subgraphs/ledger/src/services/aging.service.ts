import { tenant } from '@cifra/db';
import {
  type AgingBucket,
  agingBucket,
  daysBetween,
  decimalOf,
  type IsoDate,
  translateAtRate,
} from '@cifra/domain';
import { sql } from 'drizzle-orm';
import type { Books } from './books.ts';

export type Buckets = Record<AgingBucket | 'total', bigint>;

export interface AgingInvoiceRow {
  documentId: string;
  dueDate: IsoDate;
  daysPastDue: number;
  openMinor: bigint;
  baseOpenMinor: bigint;
}

export interface AgingRowData {
  partyId: string;
  currency: string;
  minorUnits: number;
  amounts: Buckets;
  base: Buckets;
  invoices: AgingInvoiceRow[];
}

export interface AgingReportData {
  asOf: IsoDate;
  rows: AgingRowData[];
  totalBase: Buckets;
}

const empty = (): Buckets => ({
  current: 0n,
  days1To30: 0n,
  days31To60: 0n,
  days61To90: 0n,
  over90: 0n,
  total: 0n,
});

/**
 * Open invoices at the end of `asOf`, as the books stood that day: invoices posted by then and
 * not voided by then, less what receipts, payments and notes posted by then (and not voided by
 * then) settle. Grouped per party and currency; base amounts translate each invoice's open
 * balance at its own rate (realized FX is not booked yet, so that is what the ledger carries).
 */
export async function aging(
  books: Books,
  kind: 'SALES_INVOICE' | 'PURCHASE_INVOICE',
  asOf: IsoDate,
): Promise<AgingReportData> {
  // Voided as of the report date: the void's reversing entry is dated on or before it.
  const voidedBy = (alias: 'd' | 's') =>
    sql`EXISTS (SELECT 1 FROM ${tenant.voids} v JOIN ${tenant.journalEntries} r ON r.id = v.reversal_entry_id
      WHERE v.document_id = ${sql.raw(alias)}.id AND r.posting_date <= ${asOf})`;
  const rows = (
    await books.db.execute<{
      id: string;
      party_id: string;
      currency: string;
      exchange_rate: string | null;
      due_date: string;
      total_minor: string;
      settled_minor: string;
    }>(sql`
      SELECT d.id, d.party_id, d.currency, d.exchange_rate::text AS exchange_rate,
             coalesce(d.due_date, d.document_date)::text AS due_date, d.total_minor::text AS total_minor,
             coalesce((
               SELECT sum(a.amount_minor) FROM ${tenant.allocations} a
                 JOIN ${tenant.documents} s ON s.id = a.source_document_id
                WHERE a.invoice_id = d.id AND s.posting_date <= ${asOf}
                  AND NOT ${voidedBy('s')}
             ), 0)::text AS settled_minor
        FROM ${tenant.documents} d JOIN ${tenant.parties} p ON p.id = d.party_id
       WHERE d.kind = ${kind} AND d.status = 'POSTED' AND d.posting_date <= ${asOf}
         AND NOT ${voidedBy('d')}
       ORDER BY p.code, d.currency, d.due_date, d.number`)
  ).rows;
  const byKey = new Map<string, AgingRowData>();
  const totalBase = empty();
  for (const r of rows) {
    const openMinor = BigInt(r.total_minor) - BigInt(r.settled_minor);
    if (openMinor === 0n) continue;
    const key = `${r.party_id}/${r.currency}`;
    let row = byKey.get(key);
    if (!row) {
      row = {
        partyId: r.party_id,
        currency: r.currency,
        minorUnits: await books.minorUnits(r.currency),
        amounts: empty(),
        base: empty(),
        invoices: [],
      };
      byKey.set(key, row);
    }
    const baseOpenMinor = translateAtRate(
      openMinor,
      decimalOf(r.exchange_rate ?? '1'),
      row.minorUnits,
      books.company.baseMinorUnits,
    );
    const daysPastDue = daysBetween(r.due_date, asOf);
    const bucket = agingBucket(daysPastDue);
    row.amounts[bucket] += openMinor;
    row.amounts.total += openMinor;
    row.base[bucket] += baseOpenMinor;
    row.base.total += baseOpenMinor;
    totalBase[bucket] += baseOpenMinor;
    totalBase.total += baseOpenMinor;
    row.invoices.push({ documentId: r.id, dueDate: r.due_date, daysPastDue, openMinor, baseOpenMinor });
  }
  return { asOf, rows: [...byKey.values()], totalBase };
}
