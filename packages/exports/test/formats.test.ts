import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  csvField,
  GL_CSV_HEADER,
  type GlLineRow,
  glCsvLine,
  hledgerAccount,
  hledgerAmount,
  hledgerOpening,
  hledgerTransform,
} from '../src/formats.ts';

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

  it("carries each line's FX provenance: rate, date, source, override and fallback flags", async () => {
    const row: GlLineRow = {
      posting_date: '2026-06-03',
      entry_number: 'JE-2026-000009',
      line_number: 1,
      account_code: '1201',
      account_name: 'Cuentas por cobrar',
      account_type: 'ASSET',
      amount_minor: '11000',
      original_currency: 'EUR',
      original_amount_minor: '10000',
      party_code: 'C1',
      party_name: 'Kaffee',
      entry_memo: 'Invoice',
      line_memo: '',
      source_kind: 'SALES_INVOICE',
      actual_posting_date: new Date('2026-06-03T15:00:00Z'),
      rate: '1.100000000000',
      rate_date: '2026-06-01',
      rate_source: 'ECB',
      rate_is_override: false,
      rate_is_fallback: true,
    };
    expect(GL_CSV_HEADER.trim().split(',').slice(-5)).toEqual([
      'exchange_rate',
      'rate_date',
      'rate_source',
      'rate_override',
      'rate_fallback',
    ]);
    expect(
      glCsvLine(row, books, () => 2)
        .trim()
        .split(',')
        .slice(-5),
    ).toEqual(['1.1', '2026-06-01', 'ECB', 'false', 'true']);
    const base = {
      ...row,
      original_currency: 'PAB',
      original_amount_minor: '11000',
      rate: null,
      rate_date: null,
    };
    expect(
      glCsvLine(
        { ...base, rate_source: null, rate_is_override: null, rate_is_fallback: false },
        books,
        () => 2,
      )
        .trim()
        .split(',')
        .slice(-5),
    ).toEqual(['', '', '', '', '']);
    const chunks: string[] = [];
    const journal = hledgerTransform(books, () => 2);
    journal.on('data', (c) => chunks.push(String(c)));
    journal.end(row);
    await finished(journal);
    expect(chunks.join('')).toContain(
      'assets:1201 Cuentas por cobrar  PAB 110.00  ; party: C1 Kaffee, original: EUR 100.00 @ 1.1 (ECB 2026-06-01; fallback)',
    );
  });
});
