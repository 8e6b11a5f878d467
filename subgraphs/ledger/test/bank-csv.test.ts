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

/** One CSV line's amount as the importer reads it, or the refusal's code. */
function readAmount(cellText: string, decimalSeparator: CsvMapping['decimalSeparator']): string {
  const delimiter = ';';
  try {
    // The balance printed the same way: from an opening of zero, it is the amount.
    const parsed = parseCsvStatement(
      `fecha;monto;saldo\n2026-11-02;${cellText};${cellText}\n`,
      mapping({ delimiter, decimalSeparator, balanceColumn: 'saldo' }),
      2,
      {},
    );
    return String(parsed.lines[0]?.amountMinor);
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe("a CSV statement's amounts", () => {
  it('reads each form a bank prints, to the cent', () => {
    const point: [string, string][] = [
      ['12.50', '1250'],
      ['1,234.56', '123456'],
      ['1234.56', '123456'],
      ['(12.50)', '-1250'],
      ['12.50-', '-1250'],
      ['-12.50', '-1250'],
      ['+12.50', '1250'],
      ['$ 1,000.00', '100000'],
      ['$-5.00', '-500'],
      ['-5.00 USD', '-500'],
      ['USD 5', '500'],
      ['1\u00a0000.00', '100000'],
    ];
    for (const [cellText, minor] of point) expect(readAmount(cellText, 'POINT'), cellText).toBe(minor);
    const comma: [string, string][] = [
      ['12,50', '1250'],
      ['1.234,56', '123456'],
      ['(1.234,56)', '-123456'],
      ['1 234,56 €', '123456'],
    ];
    for (const [cellText, minor] of comma) expect(readAmount(cellText, 'COMMA'), cellText).toBe(minor);
  });

  it('refuses what it would have had to guess, naming the line', () => {
    const refused: [string, CsvMapping['decimalSeparator']][] = [
      ['12.50', 'COMMA'],
      ['1,5', 'POINT'],
      ['1,2,3.45', 'POINT'],
      ['12,3456.00', 'POINT'],
      ['1USD0EUR0', 'POINT'],
      ['(-5.00)', 'POINT'],
      ['-5.00-', 'POINT'],
      ['+5.00-', 'POINT'],
      ['USD 5 EUR', 'POINT'],
      ['1e3', 'POINT'],
      ['.5', 'POINT'],
      ['5.', 'POINT'],
      ['--5', 'POINT'],
      ['12345678901234.00', 'POINT'],
    ];
    for (const [cellText, separator] of refused) {
      expect(readAmount(cellText, separator), `${cellText} (${separator})`).toBe('STATEMENT_FORMAT_INVALID');
    }
  });
});

describe("a CSV statement's header", () => {
  const refusal = (content: string, over: Partial<CsvMapping> = {}) => {
    try {
      return parseCsvStatement(content, mapping(over), 2, balances);
    } catch (e) {
      return e;
    }
  };

  it('refuses a column the mapping names that the header repeats, naming it, never reading the last', () => {
    for (const header of ['fecha,monto,monto,desc', 'fecha, monto ,monto,desc', 'fecha,monto,desc,monto']) {
      const refused = refusal(`${header}\n2026-11-02,15.00,99.00,x\n`, { descriptionColumn: 'desc' });
      expect(refused, header).toMatchObject({
        code: 'STATEMENT_FORMAT_INVALID',
        details: { line: 1, field: 'amountColumn' },
      });
      expect((refused as Error).message, header).toContain('"monto"');
    }
    const debitTwice = refusal('fecha,débito,crédito,débito\n2026-11-02,,15.00,\n', {
      amountColumn: null,
      debitColumn: 'débito',
      creditColumn: 'crédito',
    });
    expect(debitTwice).toMatchObject({ code: 'STATEMENT_FORMAT_INVALID', details: { field: 'debitColumn' } });
  });

  it('reads the column named exactly when another differs only in case, and ignores a repeated column it does not read', () => {
    const parsed = parseCsvStatement(
      'fecha,Monto,monto,nota,nota\n2026-11-02,99.00,15.00,a,b\n',
      mapping({}),
      2,
      balances,
    );
    expect(parsed.lines.map((l) => l.amountMinor)).toEqual([1500n]);
  });
});

describe('a CSV row of a zero amount', () => {
  const zeroMapping = mapping({ delimiter: ';', balanceColumn: 'saldo' });
  const refusalOf = (content: string) => {
    try {
      parseCsvStatement(content, zeroMapping, 2, {});
      return null;
    } catch (e) {
      const err = e as { code?: string; details?: Record<string, unknown> };
      return { code: err.code, line: err.details?.line, field: err.details?.field };
    }
  };

  it('is no line, but the balance it prints is checked against the running sum', () => {
    expect(refusalOf('fecha;monto;saldo\n2026-09-03;0.00;99999.00\n2026-09-04;-1.00;10998.00\n')).toEqual({
      code: 'STATEMENT_FORMAT_INVALID',
      line: 3,
      field: 'balance',
    });
    expect(refusalOf('fecha;monto;saldo\n2026-09-03;-1.00;10998.00\n2026-09-04;0.00;10999.00\n')).toEqual({
      code: 'STATEMENT_FORMAT_INVALID',
      line: 3,
      field: 'balance',
    });
    const parsed = parseCsvStatement(
      'fecha;monto;saldo\n2026-09-03;0.00;10999.00\n2026-09-04;-1.00;10998.00\n2026-09-05;0.00;10998.00\n',
      zeroMapping,
      2,
      {},
    );
    expect([parsed.openingMinor, parsed.closingMinor]).toEqual([1_099_900n, 1_099_800n]);
    expect(parsed.lines.map((l) => [l.bookingDate, l.amountMinor])).toEqual([['2026-09-04', -100n]]);
  });

  it('alone in the file, gives the balances it prints rather than asking for them', () => {
    const parsed = parseCsvStatement('fecha;monto;saldo\n2026-09-03;0.00;10999.00\n', zeroMapping, 2, {
      periodStart: '2026-09-01',
      periodEnd: '2026-09-30',
    });
    expect([parsed.openingMinor, parsed.closingMinor, parsed.lines]).toEqual([1_099_900n, 1_099_900n, []]);
  });

  it('printing no balance, is skipped as before', () => {
    const parsed = parseCsvStatement(
      'fecha;monto;saldo\n2026-09-03;0.00;\n2026-09-04;-1.00;10998.00\n',
      zeroMapping,
      2,
      {},
    );
    expect([parsed.openingMinor, parsed.lines.length]).toEqual([1_099_900n, 1]);
  });
});

describe('a CSV statement with debit (money out) and credit (money in) columns', () => {
  const split = mapping({ amountColumn: null, debitColumn: 'debe', creditColumn: 'haber' });
  const read = (rows: string[]) => {
    try {
      const parsed = parseCsvStatement(['fecha,debe,haber', ...rows].join('\n'), split, 2, {
        openingMinor: 0n,
        closingMinor: 0n,
      });
      return parsed.lines.map((l) => l.amountMinor);
    } catch (e) {
      const err = e as { code?: string; details?: Record<string, unknown> };
      return { code: err.code, line: err.details?.line, field: err.details?.field };
    }
  };

  it('reads each column printed positive, the other empty or zero', () => {
    expect(
      read(['2026-11-02,,50.00', '2026-11-03,20.00,', '2026-11-04,0.00,5.00', '2026-11-05,7.00,-0.00']),
    ).toEqual([5000n, -2000n, 500n, -700n]);
  });

  it('refuses a negative amount in either column, naming the line and the column, never inverting it', () => {
    for (const text of ['-50.00', '(50.00)', '50.00-', '−50.00']) {
      expect(read(['2026-11-02,1.00,', `2026-11-03,,"${text}"`]), `credit ${text}`).toEqual({
        code: 'STATEMENT_FORMAT_INVALID',
        line: 3,
        field: 'credit',
      });
      expect(read([`2026-11-03,"${text}",`]), `debit ${text}`).toEqual({
        code: 'STATEMENT_FORMAT_INVALID',
        line: 2,
        field: 'debit',
      });
    }
  });

  it('refuses a row with both a debit and a credit amount: a row is one movement', () => {
    expect(read(['2026-11-02,,1.00', '2026-11-03,50.00,20.00'])).toEqual({
      code: 'STATEMENT_FORMAT_INVALID',
      line: 3,
      field: 'credit',
    });
  });
});

describe("a CSV amount's spaces, minus signs and currency codes", () => {
  it('takes a space only between groups of three digits, and no third decimal that may group a thousand', () => {
    expect(readAmount('1 000.00', 'POINT')).toBe('100000');
    expect(readAmount('1 234 567,89', 'COMMA')).toBe('123456789');
    expect(readAmount('- 5.00', 'POINT')).toBe('-500');
    expect(readAmount('−5.00', 'POINT')).toBe('-500'); // the Unicode minus sign
    expect(readAmount('0.500', 'POINT')).toBe('50');
    expect(readAmount('1.000,00', 'COMMA')).toBe('100000');
    expect(readAmount('1,000.5000', 'POINT')).toBe('100050');
    for (const [text, sep] of [
      ['1 5.00', 'POINT'],
      ['12 50', 'POINT'],
      ['1 2,50', 'COMMA'],
      ['1 000,000.00', 'POINT'],
      ['1.5 0', 'POINT'],
      ['+-5', 'POINT'],
      ['−-5', 'POINT'],
      ['1E3', 'POINT'],
      // A thousand in the other locale's form, or three decimals: one of them would be a guess.
      ['1.000', 'POINT'],
      ['-250.000', 'POINT'],
      ['1,000', 'COMMA'],
      ['(12,500) EUR', 'COMMA'],
    ] as const) {
      expect(readAmount(text, sep), `${text} (${sep})`).toBe('STATEMENT_FORMAT_INVALID');
    }
  });

  it('gives the currency code the cells print as the statement currency, and refuses two codes in one file', () => {
    const content = (second: string) => `fecha,monto\n2026-11-02,5.00 EUR\n2026-11-03,${second}\n`;
    expect(parseCsvStatement(content('EUR 10.00'), mapping({}), 2, balances).currency).toBe('EUR');
    expect(parseCsvStatement(content('$10.00'), mapping({}), 2, balances).currency).toBe('EUR');
    expect(
      parseCsvStatement('fecha,monto\n2026-11-02,$15.00\n', mapping({}), 2, balances).currency,
    ).toBeNull();
    try {
      parseCsvStatement(content('10.00 USD'), mapping({}), 2, balances);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'STATEMENT_FORMAT_INVALID', details: { line: 3, field: 'amount' } });
    }
  });

  it('reads "€" as EUR and "£" as GBP, never as the account’s money; "$" names no currency', () => {
    const one = (cell: string) =>
      parseCsvStatement(`fecha,monto\n2026-11-02,${cell}\n`, mapping({}), 2, balances).currency;
    expect([one('€5.00'), one('5.00 €'), one('-€ 5.00'), one('£5.00'), one('$5.00')]).toEqual([
      'EUR',
      'EUR',
      'EUR',
      'GBP',
      null,
    ]);
    // One currency a file: a pound beside a euro is refused, naming its line.
    expect(() =>
      parseCsvStatement('fecha,monto\n2026-11-02,€5.00\n2026-11-03,£1.00\n', mapping({}), 2, balances),
    ).toThrow(/line 2 has EUR/);
  });
});

describe('a CSV row of a signed zero', () => {
  it('is a zero row like 0.00: no statement line, its printed balance still checked', () => {
    for (const zero of ['-0', '-0.00', '(0.00)', '0.00-', '+0', '0']) {
      const content = `fecha;monto;saldo\n2026-09-03;${zero};100.00\n2026-09-04;-1.00;99.00\n`;
      const parsed = parseCsvStatement(content, mapping({ delimiter: ';', balanceColumn: 'saldo' }), 2, {});
      expect([parsed.openingMinor, parsed.lines.map((l) => l.amountMinor)], zero).toEqual([10000n, [-100n]]);
      const lying = content.replace('100.00', '150.00');
      expect(
        () => parseCsvStatement(lying, mapping({ delimiter: ';', balanceColumn: 'saldo' }), 2, {}),
        zero,
      ).toThrow(/line 3/);
    }
  });
});
