import type { CsvMapping } from '../src/bank/formats/csv.ts';

/** A CSV statement with a running balance: two lines from 100.00 to 105.00, and its mapping. */
export const csvMapping: CsvMapping = {
  delimiter: ',',
  dateColumn: 'fecha',
  dateFormat: 'YYYY_MM_DD',
  decimalSeparator: 'POINT',
  amountColumn: 'monto',
  balanceColumn: 'saldo',
};
export const csv = 'fecha,monto,saldo\n2026-11-05,10.00,110.00\n2026-11-06,-5.00,105.00\n';
