import { itbmsReturnCsvText } from '@cifra/exports';
import { figuresOf } from './figures.ts';
import type { ItbmsReturnData } from './tax-return.ts';

/**
 * The ITBMS return as CSV (the `csv` field): packages/exports' `itbmsReturnCsvText`, the same text
 * the signed download (`renderItbmsReturn(format: CSV)`) serves for the same figures.
 */
export function itbmsReturnCsv(
  r: ItbmsReturnData,
  meta: { legalName: string; baseCurrency: string; baseMinorUnits: number },
): string {
  return itbmsReturnCsvText(figuresOf(r, meta.baseCurrency, meta.baseMinorUnits), meta.legalName);
}
