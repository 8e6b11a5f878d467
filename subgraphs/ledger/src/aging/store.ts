import { type TenantDb, tenant } from '@cifra/db';
import type { IsoDate } from '@cifra/domain';
import { sql } from 'drizzle-orm';

/** The aging's only door to the database: the open invoices and the manual control-account lines. */

export interface OpenInvoiceRow {
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
}

/**
 * Invoices of `kind` posted by the end of `asOf` and not voided by then, with what documents
 * posted (and not voided) by then settle of each, per party code, currency, due date and number.
 */
export async function openInvoicesAt(
  db: TenantDb,
  kind: 'SALES_INVOICE' | 'PURCHASE_INVOICE',
  asOf: IsoDate,
): Promise<OpenInvoiceRow[]> {
  // Voided as of the report date: the void's reversing entry is dated on or before it.
  const voidedBy = (alias: 'd' | 's') =>
    sql`EXISTS (SELECT 1 FROM ${tenant.voids} v JOIN ${tenant.journalEntries} r ON r.id = v.reversal_entry_id
      WHERE v.document_id = ${sql.raw(alias)}.id AND r.posting_date <= ${asOf})`;
  return (
    await db.execute<OpenInvoiceRow & Record<string, unknown>>(sql`
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
}

export interface ManualControlLineRow {
  entry_id: string;
  party_id: string;
  posting_date: string;
  amount_minor: string;
}

/**
 * The net, per manual entry and party, of lines on the account bound to `role` posted by `asOf`:
 * lines of document entries and of documents' voids are left out (the invoices carry them).
 */
export async function manualControlLinesAt(
  db: TenantDb,
  role: 'DefaultAR' | 'DefaultAP',
  asOf: IsoDate,
): Promise<ManualControlLineRow[]> {
  return (
    await db.execute<ManualControlLineRow & Record<string, unknown>>(sql`
      SELECT l.entry_id, l.party_id, min(l.posting_date)::text AS posting_date,
             sum(l.amount_minor)::text AS amount_minor
        FROM ${tenant.glLines} l
        JOIN ${tenant.accountRoleBindings} b ON b.account_id = l.account_id
        JOIN ${tenant.parties} p ON p.id = l.party_id
       WHERE b.role = ${role}
         AND l.posting_date <= ${asOf}
         AND NOT EXISTS (SELECT 1 FROM ${tenant.documents} d WHERE d.entry_id = l.entry_id)
         AND NOT EXISTS (SELECT 1 FROM ${tenant.voids} v
                          WHERE v.reversal_entry_id = l.entry_id AND v.document_id IS NOT NULL)
       GROUP BY l.entry_id, l.party_id, p.code
      HAVING sum(l.amount_minor) <> 0
       ORDER BY p.code, min(l.posting_date), l.entry_id`)
  ).rows;
}

export interface OpenCreditRow {
  id: string;
  party_id: string;
  currency: string;
  posting_date: string;
  credit_minor: string;
  credit_base_minor: string;
  used_minor: string;
  used_base_minor: string;
}

/**
 * Credits left on account at the end of `asOf` (docs/architecture/documents.md): receipts,
 * payments and notes of `kinds` posted by then and not voided by then that left part of their
 * amount unallocated, with what refunds and credit applications posted (and not voided) by then
 * used of each, in the document's currency and in base at the credit's own rate.
 */
export async function openCreditsAt(
  db: TenantDb,
  kinds: readonly string[],
  asOf: IsoDate,
): Promise<OpenCreditRow[]> {
  const voidedBy = (alias: 'd' | 's') =>
    sql`EXISTS (SELECT 1 FROM ${tenant.voids} v JOIN ${tenant.journalEntries} r ON r.id = v.reversal_entry_id
      WHERE v.document_id = ${sql.raw(alias)}.id AND r.posting_date <= ${asOf})`;
  const kindList = sql.join(
    kinds.map((k) => sql`${k}`),
    sql`, `,
  );
  return (
    await db.execute<OpenCreditRow & Record<string, unknown>>(sql`
      SELECT d.id, d.party_id, d.currency, d.posting_date::text AS posting_date,
             d.credit_minor::text AS credit_minor, d.credit_base_minor::text AS credit_base_minor,
             x.used_minor::text, x.used_base_minor::text
        FROM ${tenant.documents} d JOIN ${tenant.parties} p ON p.id = d.party_id
        CROSS JOIN LATERAL (
          SELECT coalesce(sum(a.amount_minor), 0) AS used_minor,
                 coalesce(sum(a.base_amount_minor), 0) AS used_base_minor
            FROM ${tenant.allocations} a
            JOIN ${tenant.documents} s ON s.id = a.source_document_id
           WHERE a.invoice_id = d.id AND s.posting_date <= ${asOf}
             AND NOT ${voidedBy('s')}
        ) x
       WHERE d.kind::text IN (${kindList}) AND d.status = 'POSTED' AND d.credit_minor > 0
         AND d.posting_date <= ${asOf} AND NOT ${voidedBy('d')}
       ORDER BY p.code, d.currency, d.posting_date, d.number`)
  ).rows;
}
