import { type Decimal, translateAtRate } from '@cifra/domain';
import type { TenantTx } from '@cifra/engine';
import type { Books } from '../services/books.ts';
import { type DocumentRow, settledMinor } from './store.ts';

/**
 * The receipt tolerance (issue 18 §2, the client setting `receiptToleranceMinor`, base-currency
 * minor units, 0 = off). A customer receipt that leaves an invoice with a remainder worth at most
 * the tolerance (translated at the receipt's own rate) closes the invoice: the remainder is settled
 * with the receipt and posted to the account bound to SmallDifferences. Only short payments: an
 * allocation above an invoice's open balance stays OVER_ALLOCATION, since money received beyond what
 * is owed is the customer's, not income. Vendor payments never take a tolerance. Returns, per
 * invoice, the remainder closed (document currency), computed on the invoices locked by the caller.
 */
export async function smallDifferences(
  tx: TenantTx,
  books: Books,
  doc: DocumentRow,
  settlement: {
    proposed: readonly { invoiceId: string; amountMinor: bigint }[];
    invoices: Map<string, DocumentRow>;
  },
  rate: Decimal,
  minorUnits: number,
): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (doc.kind !== 'CUSTOMER_RECEIPT') return out;
  const tolerance = BigInt((await books.settings()).receiptToleranceMinor ?? 0);
  if (tolerance <= 0n) return out;
  const settled = await settledMinor(
    tx,
    settlement.proposed.map((a) => a.invoiceId),
  );
  for (const a of settlement.proposed) {
    const invoice = settlement.invoices.get(a.invoiceId);
    if (!invoice) continue;
    const remainder = invoice.totalMinor - (settled.get(invoice.id) ?? 0n) - a.amountMinor;
    if (remainder <= 0n) continue;
    const base = translateAtRate(remainder, rate, minorUnits, books.company.baseMinorUnits);
    if (base <= tolerance) out.set(invoice.id, remainder);
  }
  return out;
}
