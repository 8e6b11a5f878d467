import type { pg } from '@cifra/db';

/**
 * The aging's two queries, shared by the ledger's `arAging` / `apAging` (every party) and the
 * party statements (one party, `partyId`), which the gateway also runs when it draws a statement's
 * PDF: one text, so the report and the statements cannot drift apart. Plain SQL on a pg client (or
 * pool): the ledger passes its tenant pool, the gateway the client of the statement's snapshot.
 */

export type AgingQueryable = Pick<pg.PoolClient, 'query'>;

// Voided as of the date ($2): the void's reversing entry is dated on or before it.
const voidedBy = (alias: 'd' | 's') =>
  `EXISTS (SELECT 1 FROM voids v JOIN journal_entries r ON r.id = v.reversal_entry_id
            WHERE v.document_id = ${alias}.id AND r.posting_date <= $2::date)`;

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
 * posted (and not voided) by then settle of each, per party code, currency, due date and number;
 * one party's only when `partyId` is given.
 */
export async function openInvoicesAt(
  client: AgingQueryable,
  kind: 'SALES_INVOICE' | 'PURCHASE_INVOICE',
  asOf: string,
  partyId: string | null = null,
): Promise<OpenInvoiceRow[]> {
  const { rows } = await client.query<OpenInvoiceRow>(
    `SELECT d.id, d.party_id, btrim(d.currency) AS currency, d.exchange_rate::text AS exchange_rate,
            coalesce(d.due_date, d.document_date)::text AS due_date, d.total_minor::text AS total_minor,
            d.base_total_minor::text AS base_total_minor, x.settled_minor::text, x.cleared_base_minor::text
       FROM documents d JOIN parties p ON p.id = d.party_id
       CROSS JOIN LATERAL (
         SELECT coalesce(sum(a.amount_minor), 0) AS settled_minor,
                CASE WHEN bool_and(a.base_amount_minor IS NOT NULL) IS FALSE THEN NULL
                     ELSE coalesce(sum(a.base_amount_minor), 0) END AS cleared_base_minor
           FROM allocations a JOIN documents s ON s.id = a.source_document_id
          WHERE a.invoice_id = d.id AND s.posting_date <= $2::date AND NOT ${voidedBy('s')}
       ) x
      WHERE d.kind::text = $1 AND d.status = 'POSTED' AND d.posting_date <= $2::date
        AND ($3::uuid IS NULL OR d.party_id = $3::uuid) AND NOT ${voidedBy('d')}
      ORDER BY p.code, d.currency, d.due_date, d.number`,
    [kind, asOf, partyId],
  );
  return rows;
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
 * used of each, in the document's currency and in base at the credit's own rate; one party's only
 * when `partyId` is given.
 */
export async function openCreditsAt(
  client: AgingQueryable,
  kinds: readonly string[],
  asOf: string,
  partyId: string | null = null,
): Promise<OpenCreditRow[]> {
  const { rows } = await client.query<OpenCreditRow>(
    `SELECT d.id, d.party_id, btrim(d.currency) AS currency, d.posting_date::text AS posting_date,
            d.credit_minor::text AS credit_minor, d.credit_base_minor::text AS credit_base_minor,
            x.used_minor::text, x.used_base_minor::text
       FROM documents d JOIN parties p ON p.id = d.party_id
       CROSS JOIN LATERAL (
         SELECT coalesce(sum(a.amount_minor), 0) AS used_minor,
                coalesce(sum(a.base_amount_minor), 0) AS used_base_minor
           FROM allocations a JOIN documents s ON s.id = a.source_document_id
          WHERE a.invoice_id = d.id AND s.posting_date <= $2::date AND NOT ${voidedBy('s')}
       ) x
      WHERE d.kind::text = ANY($1::text[]) AND d.status = 'POSTED' AND d.credit_minor > 0
        AND d.posting_date <= $2::date AND ($3::uuid IS NULL OR d.party_id = $3::uuid)
        AND NOT ${voidedBy('d')}
      ORDER BY p.code, d.currency, d.posting_date, d.number`,
    [kinds, asOf, partyId],
  );
  return rows;
}
