import { describe, expect, it } from 'vitest';
import { csvField, hledgerAccount, hledgerAmount, hledgerOpening } from '../src/formats.ts';

const books = { legalName: 'X', slug: 'x', baseCurrency: 'PAB', baseMinorUnits: 2 };

describe('export formats', () => {
  it('quotes CSV fields that need it and defuses spreadsheet formulas in text', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"\nbye')).toBe('"say ""hi""\nbye"');
    expect(csvField('=HYPERLINK("x")', true)).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-12.00')).toBe('-12.00');
    expect(csvField(null)).toBe('');
  });

  it('names hledger accounts by type, then code and name, on one safe line', () => {
    expect(hledgerAccount('ASSET', '1110', 'Banco: general  ; cuenta')).toBe(
      'assets:1110 Banco- general , cuenta',
    );
    expect(hledgerAccount('INCOME', '4101', 'Ventas\nde bienes')).toBe('revenues:4101 Ventas de bienes');
  });

  it('writes exact amounts with the base commodity and a balanced opening transaction', () => {
    expect(hledgerAmount(-123456789012345678n, books)).toBe('PAB -1234567890123456.78');
    expect(hledgerOpening('2026-01-01', [], books)).toBe('');
    expect(
      hledgerOpening(
        '2026-01-01',
        [
          { code: '1110', name: 'Banco', type: 'ASSET', balanceMinor: 5n },
          { code: '3101', name: 'Capital', type: 'EQUITY', balanceMinor: -5n },
        ],
        books,
      ),
    ).toBe(
      '2026-01-01 * Opening balances\n    assets:1110 Banco  PAB 0.05\n    equity:3101 Capital  PAB -0.05\n\n',
    );
  });
});
