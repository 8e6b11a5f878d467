import { decimalOf, formatDecimal } from '@cifra/domain';
import type { ItbmsRateFigures, ItbmsReturnFigures } from '@cifra/exports';
import type { RateFigures } from './itbms.ts';
import type { ItbmsReturnData } from './tax-return.ts';

const rates = (list: RateFigures[]): ItbmsRateFigures[] =>
  list.map((l) => ({
    ratePercent: formatDecimal(decimalOf(l.ratePercent)),
    baseMinor: l.baseMinor,
    taxMinor: l.taxMinor,
  }));

/**
 * The return as packages/exports carries it (the figures of a signed link, the CSV's input): rates
 * as plain decimals ("7", "2.5"), amounts in bigint minor units of the base currency.
 */
export function figuresOf(r: ItbmsReturnData, baseCurrency: string, minorUnits: number): ItbmsReturnFigures {
  return {
    year: r.year,
    month: r.month,
    from: r.from,
    to: r.to,
    baseCurrency,
    minorUnits,
    sales: rates(r.sales),
    exemptSalesMinor: r.exemptSalesMinor,
    creditNotesBaseMinor: r.creditNotes.baseMinor,
    creditNotesTaxMinor: r.creditNotes.taxMinor,
    purchases: rates(r.purchases),
    exemptPurchasesMinor: r.exemptPurchasesMinor,
    debitNotesBaseMinor: r.debitNotes.baseMinor,
    debitNotesTaxMinor: r.debitNotes.taxMinor,
    journalOutputTaxMinor: r.journalOutputTaxMinor,
    journalInputTaxMinor: r.journalInputTaxMinor,
    outputTaxMinor: r.outputTaxMinor,
    inputTaxMinor: r.inputTaxMinor,
    creditBroughtForwardMinor: r.creditBroughtForwardMinor,
    netPayableMinor: r.payableMinor,
    creditCarriedForwardMinor: r.carriedForwardMinor,
    glOutputTaxMinor: r.glOutputTaxMinor,
    glInputTaxMinor: r.glInputTaxMinor,
    reconciles: r.reconciles,
  };
}
