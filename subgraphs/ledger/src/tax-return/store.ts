import { type TenantDb, tenant } from '@cifra/db';
import type { IsoDate } from '@cifra/domain';
import { sql } from 'drizzle-orm';

/** The tax return's only door to the database: the client's region, taxed lines, tax accounts. */

export async function regionOf(db: TenantDb): Promise<string> {
  const [row] = await db.select({ region: tenant.company.region }).from(tenant.company);
  return row?.region ?? '';
}

export interface TaxedLineRow {
  /** The month of the entry that moved the GL (YYYY-MM): the posting's, or the void's. */
  month: string;
  kind: 'SALES_INVOICE' | 'CREDIT_NOTE' | 'PURCHASE_INVOICE' | 'DEBIT_NOTE';
  /** 1 for the posting, -1 for its void's reversing entry. */
  sign: number;
  currency: string;
  exchange_rate: string | null;
  /** The code's rate in force on the document date (what the line was taxed at). */
  rate_percent: string;
  amount_minor: string;
  tax_minor: string;
}

/**
 * Every line of the invoices and notes whose entry, or whose void's reversing entry, is dated
 * between `from` and `to`: a posted document counts in its entry's month, its void (mirrored) in
 * the void's month, as the GL has them.
 */
export async function taxedLinesBetween(db: TenantDb, from: IsoDate, to: IsoDate): Promise<TaxedLineRow[]> {
  return (
    await db.execute<TaxedLineRow & Record<string, unknown>>(sql`
      SELECT to_char(x.posting_date, 'YYYY-MM') AS month, d.kind::text AS kind, x.sign, d.currency,
             d.exchange_rate::text AS exchange_rate,
             coalesce(r.rate_percent, c.rate_percent, 0)::text AS rate_percent,
             l.amount_minor::text AS amount_minor, l.tax_minor::text AS tax_minor
        FROM (
          SELECT d.id, e.posting_date, 1 AS sign
            FROM ${tenant.documents} d JOIN ${tenant.journalEntries} e ON e.id = d.entry_id
           WHERE d.status = 'POSTED' AND e.posting_date BETWEEN ${from} AND ${to}
          UNION ALL
          SELECT v.document_id, e.posting_date, -1
            FROM ${tenant.voids} v JOIN ${tenant.journalEntries} e ON e.id = v.reversal_entry_id
           WHERE v.document_id IS NOT NULL AND e.posting_date BETWEEN ${from} AND ${to}
        ) x
        JOIN ${tenant.documents} d ON d.id = x.id
        JOIN ${tenant.documentLines} l ON l.document_id = d.id
        LEFT JOIN ${tenant.taxCodes} c ON c.code = l.tax_code
        LEFT JOIN LATERAL (
          SELECT t.rate_percent FROM ${tenant.taxCodeRates} t
           WHERE t.tax_code = l.tax_code AND t.effective_from <= d.document_date
           ORDER BY t.effective_from DESC LIMIT 1
        ) r ON true
       WHERE d.kind IN ('SALES_INVOICE', 'CREDIT_NOTE', 'PURCHASE_INVOICE', 'DEBIT_NOTE')
       ORDER BY 1`)
  ).rows;
}

export interface TaxAccountMovement {
  /** The month's net of the account bound to SalesTaxPayable, debit positive. */
  salesTaxMinor: bigint;
  purchaseTaxMinor: bigint;
  /** The same, of journal entries that are neither a document's entry nor a document's void. */
  journalSalesTaxMinor: bigint;
  journalPurchaseTaxMinor: bigint;
}

/**
 * The movement of the sales-tax and purchase-tax accounts per month (YYYY-MM) between two dates,
 * in base currency; a month without any is absent. The trial balance an opening balance import
 * posted, and its void, are left out: they carry the previous system's balances, whose tax was
 * declared there, not a month's movement (docs/architecture/opening-balances.md).
 */
export async function taxAccountMovements(
  db: TenantDb,
  from: IsoDate,
  to: IsoDate,
): Promise<Map<string, TaxAccountMovement>> {
  const { rows } = await db.execute<{ month: string; role: string; total: string; journal: string }>(sql`
    SELECT to_char(l.posting_date, 'YYYY-MM') AS month, b.role::text AS role,
           sum(l.amount_minor)::text AS total,
           coalesce(sum(l.amount_minor) FILTER (WHERE
             NOT EXISTS (SELECT 1 FROM ${tenant.documents} d WHERE d.entry_id = l.entry_id)
             AND NOT EXISTS (SELECT 1 FROM ${tenant.voids} v
                              WHERE v.reversal_entry_id = l.entry_id AND v.document_id IS NOT NULL)), 0)::text AS journal
      FROM ${tenant.accountRoleBindings} b
      JOIN ${tenant.glLines} l ON l.account_id = b.account_id
     WHERE b.role IN ('SalesTaxPayable', 'PurchaseTaxReceivable')
       AND l.posting_date BETWEEN ${from} AND ${to}
       AND NOT EXISTS (SELECT 1 FROM ${tenant.openingImports} o WHERE o.entry_id = l.entry_id)
       AND NOT EXISTS (SELECT 1 FROM ${tenant.voids} v JOIN ${tenant.openingImports} o ON o.entry_id = v.entry_id
                        WHERE v.reversal_entry_id = l.entry_id)
     GROUP BY 1, 2`);
  const out = new Map<string, TaxAccountMovement>();
  for (const r of rows) {
    const m = out.get(r.month) ?? {
      salesTaxMinor: 0n,
      purchaseTaxMinor: 0n,
      journalSalesTaxMinor: 0n,
      journalPurchaseTaxMinor: 0n,
    };
    if (r.role === 'SalesTaxPayable') {
      m.salesTaxMinor = BigInt(r.total);
      m.journalSalesTaxMinor = BigInt(r.journal);
    } else {
      m.purchaseTaxMinor = BigInt(r.total);
      m.journalPurchaseTaxMinor = BigInt(r.journal);
    }
    out.set(r.month, m);
  }
  return out;
}
