import { formatMoney } from '@cifra/domain';
import { csvField, csvRow } from '../formats.ts';
import type { ItbmsReturnFigures } from './itbms-figures.ts';

/**
 * The ITBMS return as CSV: a header, then one `section,rate_percent,base,tax` row per figure, in
 * the order of the DGI's form (sales, exempt sales, purchases, exempt purchases, then the
 * settlement), amounts as decimal strings in the base currency, never floats. One function for the
 * `itbmsReturn.csv` field (the ledger) and the signed download (`ITBMS_RETURN_CSV`, the gateway),
 * so the file and the field are the same text for the same figures.
 */
export function itbmsReturnCsvText(f: ItbmsReturnFigures, legalName: string): string {
  const money = (m: bigint) => formatMoney(m, f.minorUnits);
  const row = (section: string, rate: string, base: bigint | null, tax: bigint | null) =>
    csvRow([section, rate, base === null ? '' : money(base), tax === null ? '' : money(tax)]);
  const period = `${f.year}-${String(f.month).padStart(2, '0')}`;
  return [
    csvRow(['section', 'rate_percent', 'base', 'tax']),
    csvRow(['client', '', csvField(legalName, true), '']),
    csvRow(['period', '', period, '']),
    csvRow(['currency', '', f.baseCurrency, '']),
    ...f.sales.map((s) => row('sales', s.ratePercent, s.baseMinor, s.taxMinor)),
    row('exempt_sales', '0', f.exemptSalesMinor, 0n),
    row('credit_notes_netted', '', f.creditNotesBaseMinor, f.creditNotesTaxMinor),
    ...f.purchases.map((s) => row('purchases', s.ratePercent, s.baseMinor, s.taxMinor)),
    row('exempt_purchases', '0', f.exemptPurchasesMinor, 0n),
    row('debit_notes_netted', '', f.debitNotesBaseMinor, f.debitNotesTaxMinor),
    row('journal_output_tax', '', null, f.journalOutputTaxMinor),
    row('journal_input_tax', '', null, f.journalInputTaxMinor),
    row('output_tax', '', null, f.outputTaxMinor),
    row('input_tax', '', null, f.inputTaxMinor),
    row('credit_brought_forward', '', null, f.creditBroughtForwardMinor),
    row('net_payable', '', null, f.netPayableMinor),
    row('credit_carried_forward', '', null, f.creditCarriedForwardMinor),
    row('gl_output_tax', '', null, f.glOutputTaxMinor),
    row('gl_input_tax', '', null, f.glInputTaxMinor),
    csvRow(['reconciles', '', String(f.reconciles), '']),
  ].join('');
}
