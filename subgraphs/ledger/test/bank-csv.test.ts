import { describe, expect, it } from 'vitest';
import { type CsvMapping, parseCsvStatement } from '../src/bank/formats/csv.ts';

const mapping = (over: Partial<CsvMapping>): CsvMapping => ({
  delimiter: ',',
  dateColumn: 'fecha',
  dateFormat: 'YYYY_MM_DD',
  decimalSeparator: 'POINT',
  amountColumn: 'monto',
  ...over,
});
const balances = { openingMinor: 0n, closingMinor: 1500n };

describe('a CSV statement whose columns are named like what every object has', () => {
  it('reads a short row’s missing column as empty, never as the inherited function', () => {
    for (const name of ['valueOf', 'toString', 'constructor', 'hasOwnProperty', '__proto__']) {
      const parsed = parseCsvStatement(
        `fecha,monto,${name}\n2026-11-02,10.00,kept\n2026-11-03,5.00\n`,
        mapping({ descriptionColumn: name }),
        2,
        balances,
      );
      const descriptions = parsed.lines.map((l) => l.description);
      expect(descriptions, name).toEqual(['kept', '']);
    }
  });

  it('refuses a short row that lacks its date, as for any column, with STATEMENT_FORMAT_INVALID', () => {
    for (const name of ['valueOf', 'constructor']) {
      const refused = (() => {
        try {
          return parseCsvStatement(
            `monto,${name}\n10.00,2026-11-02\n5.00\n`,
            mapping({ dateColumn: name }),
            2,
            balances,
          );
        } catch (e) {
          return e;
        }
      })();
      expect(refused, name).toMatchObject({
        code: 'STATEMENT_FORMAT_INVALID',
        details: { line: 3, field: 'date' },
      });
    }
  });

  it('takes the header from the file, not from its first row', () => {
    // The first row is short: its missing column is still one the mapping may name.
    const parsed = parseCsvStatement(
      'fecha,monto,ref\n2026-11-02,10.00\n2026-11-03,5.00,R-2\n',
      mapping({ referenceColumn: 'ref' }),
      2,
      balances,
    );
    expect(parsed.lines.map((l) => l.reference)).toEqual(['', 'R-2']);
  });
});
