import { decimalOf, formatDecimal, formatMoney } from '@cifra/domain';
import { csvField, csvRow } from '@cifra/exports';
import type { ItbmsReturnData } from './tax-return.ts';

/**
 * The ITBMS return as CSV: a header, then one `section,rate,base,tax` row per figure, in the
 * order of the DGI's form (sales, exempt sales, purchases, exempt purchases, then the settlement),
 * amounts as decimal strings in the base currency, never floats.
 */
export function itbmsReturnCsv(
  r: ItbmsReturnData,
  meta: { legalName: string; baseCurrency: string; baseMinorUnits: number },
): string {
  const money = (m: bigint) => formatMoney(m, meta.baseMinorUnits);
  const row = (section: string, rate: string, base: bigint | null, tax: bigint | null) =>
    csvRow([section, rate, base === null ? '' : money(base), tax === null ? '' : money(tax)]);
  const rate = (p: string) => formatDecimal(decimalOf(p));
  const period = `${r.year}-${String(r.month).padStart(2, '0')}`;
  return [
    csvRow(['section', 'rate_percent', 'base', 'tax']),
    csvRow(['client', '', csvField(meta.legalName, true), '']),
    csvRow(['period', '', period, '']),
    csvRow(['currency', '', meta.baseCurrency, '']),
    ...r.sales.map((s) => row('sales', rate(s.ratePercent), s.baseMinor, s.taxMinor)),
    row('exempt_sales', '0', r.exemptSalesMinor, 0n),
    row('credit_notes_netted', '', r.creditNotes.baseMinor, r.creditNotes.taxMinor),
    ...r.purchases.map((s) => row('purchases', rate(s.ratePercent), s.baseMinor, s.taxMinor)),
    row('exempt_purchases', '0', r.exemptPurchasesMinor, 0n),
    row('debit_notes_netted', '', r.debitNotes.baseMinor, r.debitNotes.taxMinor),
    row('journal_output_tax', '', null, r.journalOutputTaxMinor),
    row('journal_input_tax', '', null, r.journalInputTaxMinor),
    row('output_tax', '', null, r.outputTaxMinor),
    row('input_tax', '', null, r.inputTaxMinor),
    row('credit_brought_forward', '', null, r.creditBroughtForwardMinor),
    row('net_payable', '', null, r.payableMinor),
    row('credit_carried_forward', '', null, r.carriedForwardMinor),
    row('gl_output_tax', '', null, r.glOutputTaxMinor),
    row('gl_input_tax', '', null, r.glInputTaxMinor),
    csvRow(['reconciles', '', String(r.reconciles), '']),
  ].join('');
}
