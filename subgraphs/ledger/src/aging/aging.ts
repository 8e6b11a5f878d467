import {
  type AgingBucket,
  agingBucket,
  daysBetween,
  decimalOf,
  type IsoDate,
  translateAtRate,
} from '@cifra/domain';
import { creditKindsOf } from '../documents/kinds.ts';
import { type Books, inBooksSnapshot } from '../services/books.ts';
import { manualControlLinesAt, openCreditsAt, openInvoicesAt } from './store.ts';

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
 * The invoices, credits and manual lines are read in one snapshot: read apart, a receipt committed
 * between them showed its invoice still open beside the credit it left.
 */
export function aging(
  books: Books,
  kind: 'SALES_INVOICE' | 'PURCHASE_INVOICE',
  asOf: IsoDate,
): Promise<AgingReportData> {
  return inBooksSnapshot(books, (snapshot) => agingOf(snapshot, kind, asOf));
}

async function agingOf(
  books: Books,
  kind: 'SALES_INVOICE' | 'PURCHASE_INVOICE',
  asOf: IsoDate,
): Promise<AgingReportData> {
  const report = new Report(asOf);
  for (const r of await openInvoicesAt(books.db, kind, asOf)) {
    const openMinor = BigInt(r.total_minor) - BigInt(r.settled_minor);
    if (openMinor === 0n) continue;
    const minorUnits = await books.minorUnits(r.currency);
    // What the receivable or payable carries for the invoice: its base total less the base its
    // settlements cleared (the GL's own amounts), or, for settlements from before base amounts were
    // recorded, the open balance at the invoice's rate.
    const baseOpenMinor =
      r.base_total_minor !== null && r.cleared_base_minor !== null
        ? BigInt(r.base_total_minor) - BigInt(r.cleared_base_minor)
        : translateAtRate(
            openMinor,
            decimalOf(r.exchange_rate ?? '1'),
            minorUnits,
            books.company.baseMinorUnits,
          );
    report.add(r.party_id, r.currency, minorUnits, {
      documentId: r.id,
      entryId: null,
      dueDate: r.due_date,
      daysPastDue: daysBetween(r.due_date, asOf),
      openMinor,
      baseOpenMinor,
    });
  }
  await addCredits(books, report, kind, asOf);
  // Manual lines on the control account (they must name their party: control-accounts.ts) are
  // part of the subledger too, in base currency and due on their posting date, so the aging's
  // total equals the receivable or payable to the minor unit after any activity. Lines of
  // document entries and of documents' voids are already in the invoices above.
  const role = kind === 'SALES_INVOICE' ? 'DefaultAR' : 'DefaultAP';
  for (const m of await manualControlLinesAt(books.db, role, asOf)) {
    // Receivables are debits, payables credits: both shown as positive amounts owed.
    const amount = BigInt(m.amount_minor) * (kind === 'SALES_INVOICE' ? 1n : -1n);
    report.add(m.party_id, books.company.baseCurrency, books.company.baseMinorUnits, {
      documentId: null,
      entryId: m.entry_id,
      dueDate: m.posting_date,
      daysPastDue: daysBetween(m.posting_date, asOf),
      openMinor: amount,
      baseOpenMinor: amount,
    });
  }
  return report.data();
}

/**
 * Credits left on the party's account (unapplied receipts and payments, notes beyond their
 * invoice) sit on the same control account: each is a negative line of its party's row, dated
 * its posting date, its base what the control account carries for it (the credit at its own rate
 * less what refunds and applications cleared of it).
 */
async function addCredits(
  books: Books,
  report: Report,
  kind: 'SALES_INVOICE' | 'PURCHASE_INVOICE',
  asOf: IsoDate,
): Promise<void> {
  const partyKind = kind === 'SALES_INVOICE' ? 'CUSTOMER' : 'VENDOR';
  for (const c of await openCreditsAt(books.db, creditKindsOf(partyKind), asOf)) {
    const openMinor = BigInt(c.credit_minor) - BigInt(c.used_minor);
    if (openMinor === 0n) continue;
    report.add(c.party_id, c.currency, await books.minorUnits(c.currency), {
      documentId: c.id,
      entryId: null,
      dueDate: c.posting_date,
      daysPastDue: daysBetween(c.posting_date, asOf),
      openMinor: -openMinor,
      baseOpenMinor: -(BigInt(c.credit_base_minor) - BigInt(c.used_base_minor)),
    });
  }
}

/** Rows per party and currency, in the order first met, and the base total of all. */
class Report {
  private readonly byKey = new Map<string, AgingRowData>();
  private readonly totalBase = empty();

  constructor(private readonly asOf: IsoDate) {}

  add(partyId: string, currency: string, minorUnits: number, invoice: AgingInvoiceRow): void {
    const key = `${partyId}/${currency}`;
    let row = this.byKey.get(key);
    if (!row) {
      row = { partyId, currency, minorUnits, amounts: empty(), base: empty(), invoices: [] };
      this.byKey.set(key, row);
    }
    const bucket = agingBucket(invoice.daysPastDue);
    row.amounts[bucket] += invoice.openMinor;
    row.amounts.total += invoice.openMinor;
    row.base[bucket] += invoice.baseOpenMinor;
    row.base.total += invoice.baseOpenMinor;
    this.totalBase[bucket] += invoice.baseOpenMinor;
    this.totalBase.total += invoice.baseOpenMinor;
    row.invoices.push(invoice);
  }

  data(): AgingReportData {
    return { asOf: this.asOf, rows: [...this.byKey.values()], totalBase: this.totalBase };
  }
}
