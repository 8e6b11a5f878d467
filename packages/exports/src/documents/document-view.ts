import type { pg } from '@cifra/db';
import type { MinorUnitsOf } from '../formats.ts';

/**
 * Everything a rendered document shows, read from one client's database in one snapshot: the
 * client's legal details, the document, its party, lines (with the tax rate in force on the
 * document date), allocations, FX provenance and void. The white label comes from the control
 * plane (`brand.ts`). Amounts stay bigint minor units; numerics stay text.
 */

export interface Brand {
  displayName: string;
  brandColor: string | null;
  logoUrl: string | null;
}

export interface DocumentView {
  brand: Brand;
  company: {
    legalName: string;
    ruc: string | null;
    dv: string | null;
    address: string | null;
    taxRegime: string | null;
    baseCurrency: string;
    baseMinorUnits: number;
  };
  id: string;
  kind: string;
  status: string;
  number: string | null;
  documentDate: string;
  postingDate: string;
  dueDate: string | null;
  currency: string;
  minorUnits: number;
  reference: string | null;
  memo: string;
  party: { code: string; name: string; taxId: string | null };
  appliesToNumber: string | null;
  bankAccount: { code: string; name: string } | null;
  lines: {
    lineNumber: number;
    description: string;
    itemCode: string | null;
    quantity: string;
    unitPrice: string;
    amountMinor: bigint;
    taxMinor: bigint;
    taxCode: string | null;
    taxName: string | null;
    ratePercent: string | null;
  }[];
  allocations: { invoiceNumber: string | null; amountMinor: bigint; currency: string }[];
  subtotalMinor: bigint;
  taxMinor: bigint;
  totalMinor: bigint;
  bankFeeMinor: bigint;
  /** A foreign-currency document: the rate it was posted at, that rate's date and source, the base total. */
  fx: { rate: string; rateDate: string | null; rateSource: string | null; baseTotalMinor: bigint } | null;
  void: { reason: string; voidDate: string | null } | null;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

const DOCUMENT = `
  SELECT d.id, d.kind::text AS kind, d.status::text AS status, d.number,
         d.document_date::text AS document_date, d.posting_date::text AS posting_date,
         d.due_date::text AS due_date, d.currency, d.exchange_rate::text AS exchange_rate,
         d.reference, d.memo, d.subtotal_minor::text AS subtotal_minor, d.tax_minor::text AS tax_minor,
         d.total_minor::text AS total_minor, d.base_total_minor::text AS base_total_minor,
         d.bank_fee_minor::text AS bank_fee_minor,
         p.code AS party_code, p.name AS party_name, p.tax_id AS party_tax_id,
         r.rate_date::text AS rate_date, r.source AS rate_source,
         a.number AS applies_to_number, b.code AS bank_code, b.name AS bank_name,
         v.reason AS void_reason, re.posting_date::text AS void_date
    FROM documents d
    JOIN parties p ON p.id = d.party_id
    LEFT JOIN exchange_rates r ON r.id = d.exchange_rate_id
    LEFT JOIN documents a ON a.id = d.applies_to_id
    LEFT JOIN accounts b ON b.id = d.bank_account_id
    LEFT JOIN voids v ON v.entry_id = d.entry_id
    LEFT JOIN journal_entries re ON re.id = v.reversal_entry_id
   WHERE d.id = $1`;

// The rate shown is the one the line was taxed at: the code's dated rate in force on the
// document date (tax_code_rates), else the code's own, as drafting computed it.
const LINES = `
  SELECT l.line_number, l.description, i.code AS item_code, l.quantity::text AS quantity,
         l.unit_price::text AS unit_price, l.amount_minor::text AS amount_minor,
         l.tax_minor::text AS tax_minor, l.tax_code, t.name AS tax_name,
         COALESCE((SELECT tr.rate_percent FROM tax_code_rates tr
                    WHERE tr.tax_code = l.tax_code AND tr.effective_from <= d.document_date
                    ORDER BY tr.effective_from DESC LIMIT 1), t.rate_percent)::text AS rate_percent
    FROM document_lines l
    JOIN documents d ON d.id = l.document_id
    LEFT JOIN tax_codes t ON t.code = l.tax_code
    LEFT JOIN items i ON i.id = l.item_id
   WHERE l.document_id = $1
   ORDER BY l.line_number`;

const ALLOCATIONS = `
  SELECT i.number, a.amount_minor::text AS amount_minor, i.currency
    FROM allocations a JOIN documents i ON i.id = a.invoice_id
   WHERE a.source_document_id = $1
   ORDER BY i.posting_date, i.number`;

export const COMPANY = `SELECT legal_name, ruc, dv, address, tax_regime, base_currency, base_minor_units FROM company`;

export type CompanyRow = {
  legal_name: string;
  ruc: string | null;
  dv: string | null;
  address: string | null;
  tax_regime: string | null;
  base_currency: string;
  base_minor_units: number;
};

export function companyOf(row: CompanyRow): DocumentView['company'] {
  return {
    legalName: row.legal_name,
    ruc: row.ruc,
    dv: row.dv,
    address: row.address,
    taxRegime: row.tax_regime,
    baseCurrency: row.base_currency.trim(),
    baseMinorUnits: row.base_minor_units,
  };
}

/** One document as it is rendered; null when there is no such document in this client's books. */
export async function loadDocumentView(
  client: Queryable,
  id: string,
  context: { brand: Brand; company: DocumentView['company']; minorUnitsOf: MinorUnitsOf },
): Promise<DocumentView | null> {
  const { rows } = await client.query(DOCUMENT, [id]);
  const d = rows[0];
  if (!d) return null;
  const [lines, allocations] = await Promise.all([
    client.query(LINES, [id]),
    client.query(ALLOCATIONS, [id]),
  ]);
  const currency = String(d.currency).trim();
  const foreign = currency !== context.company.baseCurrency;
  return {
    brand: context.brand,
    company: context.company,
    id: d.id,
    kind: d.kind,
    status: d.status,
    number: d.number,
    documentDate: d.document_date,
    postingDate: d.posting_date,
    dueDate: d.due_date,
    currency,
    minorUnits: context.minorUnitsOf(currency),
    reference: d.reference,
    memo: d.memo,
    party: { code: d.party_code, name: d.party_name, taxId: d.party_tax_id },
    appliesToNumber: d.applies_to_number,
    bankAccount: d.bank_code ? { code: d.bank_code, name: d.bank_name } : null,
    lines: lines.rows.map((l) => ({
      lineNumber: l.line_number,
      description: l.description,
      itemCode: l.item_code,
      quantity: l.quantity,
      unitPrice: l.unit_price,
      amountMinor: BigInt(l.amount_minor),
      taxMinor: BigInt(l.tax_minor),
      taxCode: l.tax_code,
      taxName: l.tax_name,
      ratePercent: l.rate_percent,
    })),
    allocations: allocations.rows.map((a) => ({
      invoiceNumber: a.number,
      amountMinor: BigInt(a.amount_minor),
      currency: String(a.currency).trim(),
    })),
    subtotalMinor: BigInt(d.subtotal_minor),
    taxMinor: BigInt(d.tax_minor),
    totalMinor: BigInt(d.total_minor),
    bankFeeMinor: BigInt(d.bank_fee_minor),
    fx:
      foreign && d.exchange_rate && d.base_total_minor !== null
        ? {
            rate: d.exchange_rate,
            rateDate: d.rate_date,
            rateSource: d.rate_source,
            baseTotalMinor: BigInt(d.base_total_minor),
          }
        : null,
    void: d.void_reason !== null ? { reason: d.void_reason, voidDate: d.void_date } : null,
  };
}

/** The posted documents of a date range (by posting date), in the order the archive lists them. */
export async function postedDocumentIds(
  client: Queryable,
  from: string,
  to: string,
  limit: number,
): Promise<{ id: string; number: string; kind: string }[]> {
  const { rows } = await client.query(
    `SELECT id, number, kind::text AS kind FROM documents
      WHERE status = 'POSTED' AND posting_date BETWEEN $1::date AND $2::date
      ORDER BY posting_date, kind, number, id LIMIT $3`,
    [from, to, limit],
  );
  return rows;
}
