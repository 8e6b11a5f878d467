import { buffer } from 'node:stream/consumers';
import { pdfText } from '@cifra/testing';
import { describe, expect, it } from 'vitest';
import { lineKindText, renderStatementPdf, type StatementView } from '../src/statements/render-statement.ts';
import {
  baseTotals,
  emptyBuckets,
  type StatementCurrency,
  type StatementLine,
} from '../src/statements/statement-data.ts';

/** A statement's layout, read back with pdftotext: long ones run over pages with their header again. */

const statementLine = (n: number, balanceMinor: bigint): StatementLine => ({
  postingDate: `2026-05-${String(1 + (n % 28)).padStart(2, '0')}`,
  entryId: `e${n}`,
  entryNumber: `JE-2026-${String(n).padStart(6, '0')}`,
  documentId: `d${n}`,
  documentNumber: `INV-2026-${String(n).padStart(6, '0')}`,
  kind: 'SALES_INVOICE',
  isVoid: false,
  documentDate: '2026-05-01',
  dueDate: '2026-05-31',
  debitMinor: 123456n,
  creditMinor: 0n,
  balanceMinor,
  baseAmountMinor: 123456n,
  baseBalanceMinor: balanceMinor,
});

function view(lines: number): StatementView {
  const c: StatementCurrency = {
    currency: 'PAB',
    minorUnits: 2,
    openingMinor: 0n,
    baseOpeningMinor: 0n,
    lines: Array.from({ length: lines }, (_, i) => statementLine(i + 1, 123456n * BigInt(i + 1))),
    debitMinor: 123456n * BigInt(lines),
    creditMinor: 0n,
    closingMinor: 123456n * BigInt(lines),
    baseClosingMinor: 123456n * BigInt(lines),
    aging: { ...emptyBuckets(), current: 123456n * BigInt(lines), total: 123456n * BigInt(lines) },
    baseAging: emptyBuckets(),
  };
  return {
    brand: { displayName: 'Café Boquete', brandColor: '#0A6EBD', logoUrl: null },
    company: {
      legalName: 'Café Boquete, S.A.',
      ruc: '2588017-1-831938',
      dv: '58',
      address: 'Calle 50, Ciudad de Panamá',
      taxRegime: null,
      baseCurrency: 'PAB',
      baseMinorUnits: 2,
    },
    statement: {
      party: { id: 'p', kind: 'CUSTOMER', code: 'C-1', name: 'Hotel Ñandú', tax_id: null, email: null },
      from: '2026-05-01',
      to: '2026-05-31',
      baseCurrency: 'PAB',
      baseMinorUnits: 2,
      currencies: [c],
      ...baseTotals([c]),
    },
  };
}

describe('renderStatementPdf', () => {
  it('runs 120 lines of 1,234.56 over numbered pages, the table header on each, closing at 148,147.20', async () => {
    const text = pdfText(await buffer(renderStatementPdf(view(120))));
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(1);
    for (const [i, page] of pages.entries()) {
      expect(page).toContain('Débito / Debit');
      expect(page).toContain(`Página ${i + 1} de ${pages.length} / Page ${i + 1} of ${pages.length}`);
    }
    expect(text).toContain('Hotel Ñandú');
    expect(text).toMatch(/INV-2026-000120\s+Factura \/ Invoice\s+2026-05-31\s+1,234\.56\s+148,147\.20/);
    // 120 × 1,234.56 = 148,147.20, in BigInt cents.
    expect(123456n * 120n).toBe(14814720n);
    expect(text).toMatch(/Closing balance at 2026-05-31\s+PAB 148,147\.20/);
  });

  it('says so when a party has nothing to state', async () => {
    const v = view(0);
    v.statement.currencies = [];
    expect(pdfText(await buffer(renderStatementPdf(v)))).toContain(
      'Sin movimientos ni saldo / No activity and no balance',
    );
  });

  it('names a void, a manual entry, a refund, and a kind it does not know by its code', () => {
    expect(lineKindText({ kind: 'CREDIT_NOTE', isVoid: true })).toBe('Anulación / Void');
    expect(lineKindText({ kind: null, isVoid: false })).toBe('Asiento / Journal entry');
    expect(lineKindText({ kind: 'CUSTOMER_REFUND', isVoid: false })).toBe('Reembolso / Refund');
    expect(lineKindText({ kind: 'SOME_FUTURE_KIND', isVoid: false })).toBe('SOME_FUTURE_KIND');
  });
});
