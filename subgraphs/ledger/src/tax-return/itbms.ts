import { decimalOf, formatDecimal, translateAtRate } from '@cifra/domain';
import type { TaxedLineRow } from './store.ts';

/**
 * The ITBMS return's arithmetic, pure: taxed document lines in, one month's figures out, all in
 * base-currency minor units (bigint). Each line is translated at its document's rate exactly as
 * posting translated it (line by line, half away from zero), so the tax here is, to the minor unit,
 * what the documents put on the tax accounts.
 */

/** Panama's ITBMS rates, always listed on the return even when nothing was taxed at them. */
export const ITBMS_RATES = ['7', '10', '15'] as const;
/** How many months before the return its carried-forward credit is computed from (0 before that). */
export const CARRY_FORWARD_MONTHS = 24;

export interface RateFigures {
  /** The rate, an exact percentage without trailing zeros ("7", "7.5"). */
  ratePercent: string;
  baseMinor: bigint;
  taxMinor: bigint;
}

export interface ItbmsMonth {
  /** Per rate, invoices less notes (a sales credit note, a purchase debit note reduce them). */
  sales: RateFigures[];
  exemptSalesMinor: bigint;
  purchases: RateFigures[];
  exemptPurchasesMinor: bigint;
  /** The notes already netted in the figures above, shown positive. */
  creditNotes: { baseMinor: bigint; taxMinor: bigint };
  debitNotes: { baseMinor: bigint; taxMinor: bigint };
  documentOutputTaxMinor: bigint;
  documentInputTaxMinor: bigint;
}

export interface LineInBase {
  kind: TaxedLineRow['kind'];
  sign: number;
  ratePercent: string;
  baseMinor: bigint;
  taxMinor: bigint;
}

/** A line in base currency, signed as the GL moves: a void's reversal mirrors its posting. */
export function lineInBase(row: TaxedLineRow, minorUnits: number, baseMinorUnits: number): LineInBase {
  const rate = decimalOf(row.exchange_rate ?? '1');
  const t = (m: string) => translateAtRate(BigInt(m), rate, minorUnits, baseMinorUnits);
  return {
    kind: row.kind,
    sign: row.sign,
    ratePercent: formatDecimal(decimalOf(row.rate_percent)),
    baseMinor: t(row.amount_minor),
    taxMinor: t(row.tax_minor),
  };
}

const NOTE_OF = { SALES_INVOICE: 1n, CREDIT_NOTE: -1n, PURCHASE_INVOICE: 1n, DEBIT_NOTE: -1n } as const;

/** One month's figures from its lines (those of documents posted or voided that month). */
export function itbmsMonth(lines: readonly LineInBase[]): ItbmsMonth {
  const sales = new Map<string, RateFigures>(ITBMS_RATES.map((r) => [r, figures(r)]));
  const purchases = new Map<string, RateFigures>(ITBMS_RATES.map((r) => [r, figures(r)]));
  const m: ItbmsMonth = {
    sales: [],
    exemptSalesMinor: 0n,
    purchases: [],
    exemptPurchasesMinor: 0n,
    creditNotes: { baseMinor: 0n, taxMinor: 0n },
    debitNotes: { baseMinor: 0n, taxMinor: 0n },
    documentOutputTaxMinor: 0n,
    documentInputTaxMinor: 0n,
  };
  for (const l of lines) {
    const isSales = l.kind === 'SALES_INVOICE' || l.kind === 'CREDIT_NOTE';
    const s = BigInt(l.sign) * NOTE_OF[l.kind];
    const base = s * l.baseMinor;
    const tax = s * l.taxMinor;
    if (l.kind === 'CREDIT_NOTE' || l.kind === 'DEBIT_NOTE') {
      const notes = l.kind === 'CREDIT_NOTE' ? m.creditNotes : m.debitNotes;
      notes.baseMinor -= base;
      notes.taxMinor -= tax;
    }
    if (isSales) m.documentOutputTaxMinor += tax;
    else m.documentInputTaxMinor += tax;
    if (l.ratePercent === '0') {
      if (isSales) m.exemptSalesMinor += base;
      else m.exemptPurchasesMinor += base;
      continue;
    }
    const byRate = isSales ? sales : purchases;
    const f = byRate.get(l.ratePercent) ?? figures(l.ratePercent);
    f.baseMinor += base;
    f.taxMinor += tax;
    byRate.set(l.ratePercent, f);
  }
  m.sales = sortedRates(sales);
  m.purchases = sortedRates(purchases);
  return m;
}

const figures = (ratePercent: string): RateFigures => ({ ratePercent, baseMinor: 0n, taxMinor: 0n });
const sortedRates = (byRate: Map<string, RateFigures>) =>
  [...byRate.values()].sort((a, b) => {
    const x = decimalOf(a.ratePercent);
    const y = decimalOf(b.ratePercent);
    const scale = Math.max(x.scale, y.scale);
    const ux = x.units * 10n ** BigInt(scale - x.scale);
    const uy = y.units * 10n ** BigInt(scale - y.scale);
    return ux < uy ? -1 : ux > uy ? 1 : 0;
  });

export interface Settlement {
  /** Output tax less input tax less the credit brought forward, when positive. */
  payableMinor: bigint;
  /** What is left to carry into the next month, when input and the brought credit pass output. */
  carriedForwardMinor: bigint;
}

/** A month's settlement: what is owed, or the credit carried forward to the next month. */
export function settle(outputMinor: bigint, inputMinor: bigint, broughtForwardMinor: bigint): Settlement {
  const net = outputMinor - inputMinor - broughtForwardMinor;
  return net >= 0n
    ? { payableMinor: net, carriedForwardMinor: 0n }
    : { payableMinor: 0n, carriedForwardMinor: -net };
}

/**
 * The credit brought into a month: the earlier months settled in order, from `CARRY_FORWARD_MONTHS`
 * before it (nothing is brought into the first of them), each month's output and input tax given.
 */
export function creditBroughtForward(
  earlier: readonly { outputMinor: bigint; inputMinor: bigint }[],
): bigint {
  let carried = 0n;
  for (const m of earlier) carried = settle(m.outputMinor, m.inputMinor, carried).carriedForwardMinor;
  return carried;
}
