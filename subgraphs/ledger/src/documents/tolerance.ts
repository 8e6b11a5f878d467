import { type Decimal, translateAtRate } from '@cifra/domain';
import type { Books } from '../services/books.ts';
import type { DocumentRow } from './store.ts';

/**
 * The receipt tolerance (issue 18 §2, the client setting `receiptToleranceMinor`, base-currency
 * minor units, 0 = off). A customer receipt that leaves an invoice with a remainder worth at most
 * the tolerance (translated at the receipt's own rate) closes the invoice: the remainder is settled
 * with the receipt and posted to the account bound to SmallDifferences. Only short payments: an
 * allocation above an invoice's open balance stays OVER_ALLOCATION, since money received beyond what
 * is owed is the customer's, not income. Vendor payments never take a tolerance. Returns, per
 * invoice, the remainder closed (document currency), computed on the invoices locked by the caller
 * and what settles them (`settled`).
 */
export function smallDifferences(
  doc: DocumentRow,
  settlement: {
    proposed: readonly { invoiceId: string; amountMinor: bigint }[];
    invoices: Map<string, DocumentRow>;
  },
  /** What live documents settle of each invoice now. */
  settled: ReadonlyMap<string, bigint>,
  rate: Decimal,
  minorUnits: number,
  baseMinorUnits: number,
  toleranceMinor: bigint,
): Map<string, bigint> {
  const out = new Map<string, bigint>();
  if (doc.kind !== 'CUSTOMER_RECEIPT' || toleranceMinor <= 0n) return out;
  for (const a of settlement.proposed) {
    const invoice = settlement.invoices.get(a.invoiceId);
    if (!invoice) continue;
    const remainder = invoice.totalMinor - (settled.get(invoice.id) ?? 0n) - a.amountMinor;
    if (remainder <= 0n) continue;
    const base = translateAtRate(remainder, rate, minorUnits, baseMinorUnits);
    if (base <= toleranceMinor) out.set(invoice.id, remainder);
  }
  return out;
}

/** The client's receipt tolerance for this document: 0 but for a customer receipt. */
export async function toleranceFor(books: Books, doc: DocumentRow): Promise<bigint> {
  if (doc.kind !== 'CUSTOMER_RECEIPT') return 0n;
  return BigInt((await books.settings()).receiptToleranceMinor ?? 0);
}
