import type { pg } from '@cifra/db';
import { type OpenCreditRow, type OpenInvoiceRow, openCreditsAt, openInvoicesAt } from '@cifra/engine';

/**
 * The statement's SQL, run on one client's database by the ledger (`partyStatement`) and by the
 * gateway when a statement link is downloaded: one set of queries, so the data and the PDF agree.
 */

export type Queryable = Pick<pg.PoolClient, 'query'>;
export type StatementPartyKind = 'CUSTOMER' | 'VENDOR';

/**
 * The control account a party's subledger lives on, the invoices the aging counts for it, and the
 * kinds that leave a credit on it (the ledger's `creditKindsOf`, subgraphs/ledger/src/documents/kinds.ts).
 */
export const CONTROL: Record<
  StatementPartyKind,
  { role: string; invoiceKind: 'SALES_INVOICE' | 'PURCHASE_INVOICE'; creditKinds: string[] }
> = {
  CUSTOMER: {
    role: 'DefaultAR',
    invoiceKind: 'SALES_INVOICE',
    creditKinds: ['CREDIT_NOTE', 'CUSTOMER_RECEIPT'],
  },
  VENDOR: {
    role: 'DefaultAP',
    invoiceKind: 'PURCHASE_INVOICE',
    creditKinds: ['DEBIT_NOTE', 'VENDOR_PAYMENT'],
  },
};

export interface PartyRow {
  id: string;
  kind: StatementPartyKind;
  code: string;
  name: string;
  tax_id: string | null;
  email: string | null;
}

export async function partyRow(client: Queryable, id: string): Promise<PartyRow | undefined> {
  const { rows } = await client.query<PartyRow>(
    'SELECT id, kind::text AS kind, code, name, tax_id, email FROM parties WHERE id = $1',
    [id],
  );
  return rows[0];
}

/**
 * One row per journal entry that touches the party on its control account by the end of `to`:
 * the entry's own document, or the document a void reverses, or neither (a manual entry). The
 * amount is in the document's currency (the lines in that currency: a base-currency rounding
 * remainder on a foreign settlement is base only), or for a manual entry in base currency, as the
 * aging counts it; `base_minor` is what the entry moved on the control account in base currency.
 */
export interface EntryRow {
  entry_id: string;
  entry_number: string;
  posting_date: string;
  document_id: string | null;
  document_number: string | null;
  kind: string | null;
  document_date: string | null;
  due_date: string | null;
  is_void: boolean;
  currency: string;
  amount_minor: string;
  base_minor: string;
}

export async function partyEntries(
  client: Queryable,
  party: { id: string; kind: StatementPartyKind },
  to: string,
): Promise<EntryRow[]> {
  const { rows } = await client.query<EntryRow>(
    `SELECT l.entry_id, e.number AS entry_number, min(l.posting_date)::text AS posting_date,
            d.id AS document_id, d.number AS document_number, d.kind::text AS kind,
            d.document_date::text AS document_date,
            CASE WHEN v.reversal_entry_id IS NULL THEN d.due_date::text END AS due_date,
            (v.reversal_entry_id IS NOT NULL) AS is_void,
            btrim(coalesce(d.currency, c.base_currency)) AS currency,
            sum(CASE WHEN d.id IS NULL THEN l.amount_minor
                     WHEN l.original_currency = d.currency THEN l.original_amount_minor
                     ELSE 0 END)::text AS amount_minor,
            sum(l.amount_minor)::text AS base_minor
       FROM gl_lines l
       JOIN account_role_bindings b ON b.account_id = l.account_id AND b.role = $2
       JOIN journal_entries e ON e.id = l.entry_id
       CROSS JOIN company c
       LEFT JOIN voids v ON v.reversal_entry_id = l.entry_id AND v.document_id IS NOT NULL
       LEFT JOIN documents d
              ON d.id = coalesce(v.document_id, (SELECT o.id FROM documents o WHERE o.entry_id = l.entry_id))
      WHERE l.party_id = $1 AND l.posting_date <= $3::date
      GROUP BY l.entry_id, e.number, d.id, v.reversal_entry_id, c.base_currency
     HAVING sum(l.amount_minor) <> 0 OR sum(l.original_amount_minor) <> 0
      ORDER BY min(l.posting_date), coalesce(d.number, e.number), l.entry_id`,
    [party.id, CONTROL[party.kind].role, to],
  );
  return rows;
}

/** An open invoice of the party at the end of `asOf`, as the aging (`arAging`/`apAging`) finds it. */
export type { OpenCreditRow, OpenInvoiceRow };

/**
 * The party's invoices posted by the end of `asOf` and not voided by then, with what documents
 * posted (and not voided) by then settle of each: the aging's own query (packages/engine's
 * `openInvoicesAt`, which arAging / apAging run for every party) for one party.
 */
export function openInvoicesOf(
  client: Queryable,
  party: { id: string; kind: StatementPartyKind },
  asOf: string,
): Promise<OpenInvoiceRow[]> {
  return openInvoicesAt(client, CONTROL[party.kind].invoiceKind, asOf, party.id);
}

/**
 * The party's credits left on account (receipts, payments and notes posted by the end of `asOf`,
 * not voided by then, that left part of their amount unallocated), with what refunds and credit
 * applications posted (and not voided) by then used of each: the aging's `openCreditsAt`
 * (packages/engine) for one party.
 */
export function openCreditsOf(
  client: Queryable,
  party: { id: string; kind: StatementPartyKind },
  asOf: string,
): Promise<OpenCreditRow[]> {
  return openCreditsAt(client, CONTROL[party.kind].creditKinds, asOf, party.id);
}

export interface CompanyBase {
  baseCurrency: string;
  baseMinorUnits: number;
}

export async function companyBase(client: Queryable): Promise<CompanyBase> {
  const { rows } = await client.query<{ base_currency: string; base_minor_units: number }>(
    'SELECT base_currency, base_minor_units FROM company',
  );
  if (!rows[0]) throw new Error('client database has no company row');
  return { baseCurrency: rows[0].base_currency.trim(), baseMinorUnits: rows[0].base_minor_units };
}

/**
 * The parties of a kind with something to state for the range: an entry on their control account
 * within it, or a balance brought forward into it, by code.
 */
export async function partiesToState(
  client: Queryable,
  kind: StatementPartyKind,
  from: string,
  to: string,
  limit: number,
): Promise<{ id: string; code: string }[]> {
  const { rows } = await client.query<{ id: string; code: string }>(
    `SELECT p.id, p.code FROM parties p
      WHERE p.kind::text = $1 AND EXISTS (
        SELECT 1 FROM gl_lines l JOIN account_role_bindings b ON b.account_id = l.account_id AND b.role = $2
         WHERE l.party_id = p.id AND l.posting_date <= $4::date
         GROUP BY l.original_currency
        HAVING bool_or(l.posting_date >= $3::date)
            OR sum(l.amount_minor) FILTER (WHERE l.posting_date < $3::date) <> 0
            OR sum(l.original_amount_minor) FILTER (WHERE l.posting_date < $3::date) <> 0)
      ORDER BY p.code LIMIT $5`,
    [kind, CONTROL[kind].role, from, to, limit],
  );
  return rows;
}
