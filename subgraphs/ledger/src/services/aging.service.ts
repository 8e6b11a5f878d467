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
  /** The open invoice; null for a manual line on the control account (then `entryId`). */
  documentId: string | null;
  /** The manual journal entry whose line, naming the party, sits on the control account. */
  entryId: string | null;
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
 * then) settle. Grouped per party and currency; an invoice's base amount is what the ledger
 * carries for it: its base total less the base its settlements cleared at the invoice's own rate
 * (realized FX goes elsewhere), so it agrees with the receivable or payable to the minor unit.
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
      base_total_minor: string | null;
      settled_minor: string;
      /** Base cleared by those settlements; null when any of them predates recorded base amounts. */
      cleared_base_minor: string | null;
    }>(sql`
      SELECT d.id, d.party_id, d.currency, d.exchange_rate::text AS exchange_rate,
             coalesce(d.due_date, d.document_date)::text AS due_date, d.total_minor::text AS total_minor,
             d.base_total_minor::text AS base_total_minor, x.settled_minor::text, x.cleared_base_minor::text
        FROM ${tenant.documents} d JOIN ${tenant.parties} p ON p.id = d.party_id
        CROSS JOIN LATERAL (
          SELECT coalesce(sum(a.amount_minor), 0) AS settled_minor,
                 CASE WHEN bool_and(a.base_amount_minor IS NOT NULL) IS FALSE THEN NULL
                      ELSE coalesce(sum(a.base_amount_minor), 0) END AS cleared_base_minor
            FROM ${tenant.allocations} a
            JOIN ${tenant.documents} s ON s.id = a.source_document_id
           WHERE a.invoice_id = d.id AND s.posting_date <= ${asOf}
             AND NOT ${voidedBy('s')}
        ) x
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
    // What the receivable or payable carries for the invoice: its base total less the base its
    // settlements cleared (the GL's own amounts), or, for settlements from before base amounts were
    // recorded, the open balance at the invoice's rate.
    const baseOpenMinor =
      r.base_total_minor !== null && r.cleared_base_minor !== null
        ? BigInt(r.base_total_minor) - BigInt(r.cleared_base_minor)
        : translateAtRate(
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
    row.invoices.push({
      documentId: r.id,
      entryId: null,
      dueDate: r.due_date,
      daysPastDue,
      openMinor,
      baseOpenMinor,
    });
  }
  // Manual lines on the control account (they must name their party: control-accounts.ts) are
  // part of the subledger too, in base currency and due on their posting date, so the aging's
  // total equals the receivable or payable to the minor unit after any activity. Lines of
  // document entries and of documents' voids are already in the invoices above.
  const manual = (
    await books.db.execute<{
      entry_id: string;
      party_id: string;
      posting_date: string;
      amount_minor: string;
    }>(sql`
      SELECT l.entry_id, l.party_id, min(l.posting_date)::text AS posting_date,
             sum(l.amount_minor)::text AS amount_minor
        FROM ${tenant.glLines} l
        JOIN ${tenant.accountRoleBindings} b ON b.account_id = l.account_id
        JOIN ${tenant.parties} p ON p.id = l.party_id
       WHERE b.role = ${kind === 'SALES_INVOICE' ? 'DefaultAR' : 'DefaultAP'}
         AND l.posting_date <= ${asOf}
         AND NOT EXISTS (SELECT 1 FROM ${tenant.documents} d WHERE d.entry_id = l.entry_id)
         AND NOT EXISTS (SELECT 1 FROM ${tenant.voids} v
                          WHERE v.reversal_entry_id = l.entry_id AND v.document_id IS NOT NULL)
       GROUP BY l.entry_id, l.party_id, p.code
      HAVING sum(l.amount_minor) <> 0
       ORDER BY p.code, min(l.posting_date), l.entry_id`)
  ).rows;
  const base = books.company.baseCurrency;
  for (const m of manual) {
    // Receivables are debits, payables credits: both shown as positive amounts owed.
    const amount = BigInt(m.amount_minor) * (kind === 'SALES_INVOICE' ? 1n : -1n);
    const key = `${m.party_id}/${base}`;
    let row = byKey.get(key);
    if (!row) {
      row = {
        partyId: m.party_id,
        currency: base,
        minorUnits: books.company.baseMinorUnits,
        amounts: empty(),
        base: empty(),
        invoices: [],
      };
      byKey.set(key, row);
    }
    const daysPastDue = daysBetween(m.posting_date, asOf);
    const bucket = agingBucket(daysPastDue);
    row.amounts[bucket] += amount;
    row.amounts.total += amount;
    row.base[bucket] += amount;
    row.base.total += amount;
    totalBase[bucket] += amount;
    totalBase.total += amount;
    row.invoices.push({
      documentId: null,
      entryId: m.entry_id,
      dueDate: m.posting_date,
      daysPastDue,
      openMinor: amount,
      baseOpenMinor: amount,
    });
  }
  return { asOf, rows: [...byKey.values()], totalBase };
}
