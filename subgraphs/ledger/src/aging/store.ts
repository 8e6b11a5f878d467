import { type TenantDb, tenant } from '@cifra/db';
import type { IsoDate } from '@cifra/domain';
import {
  openCreditsAt as creditsAt,
  openInvoicesAt as invoicesAt,
  type OpenCreditRow,
  type OpenInvoiceRow,
} from '@cifra/engine';
import { sql } from 'drizzle-orm';

/**
 * The aging's only door to the database: the open invoices and credits (the queries of
 * packages/engine's `aging-queries.ts`, which the party statements run for one party) and the
 * manual control-account lines.
 */

export type { OpenCreditRow, OpenInvoiceRow };

/** The pool (or checked-out client) behind the tenant's drizzle database: the shared queries are plain SQL. */
const clientOf = (db: TenantDb) => db.$client;

/** Invoices of `kind` open at the end of `asOf`, every party's (see `openInvoicesAt` in packages/engine). */
export function openInvoicesAt(
  db: TenantDb,
  kind: 'SALES_INVOICE' | 'PURCHASE_INVOICE',
  asOf: IsoDate,
): Promise<OpenInvoiceRow[]> {
  return invoicesAt(clientOf(db), kind, asOf);
}

/** Credits of `kinds` left on account at the end of `asOf`, every party's (packages/engine). */
export function openCreditsAt(
  db: TenantDb,
  kinds: readonly string[],
  asOf: IsoDate,
): Promise<OpenCreditRow[]> {
  return creditsAt(clientOf(db), kinds, asOf);
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
