import { buffer } from 'node:stream/consumers';
import { pdfText } from '@cifra/testing';
import { describe, expect, it } from 'vitest';
import type { DocumentView } from '../src/documents/document-view.ts';
import { winAnsi } from '../src/documents/letterhead.ts';
import { renderDocumentPdf } from '../src/documents/render-pdf.ts';
import { decimalText, logoImage, moneyText, plainNumber, taxesByRate } from '../src/documents/text.ts';

const line = (n: number, over: Partial<DocumentView['lines'][number]> = {}) => ({
  lineNumber: n,
  description: `Línea ${n}`,
  itemCode: null,
  quantity: '1.0000',
  unitPrice: '10.000000',
  amountMinor: 1000n,
  taxMinor: 70n,
  taxCode: 'ITBMS7',
  taxName: 'ITBMS 7 %',
  ratePercent: '7.000',
  ...over,
});

const view = (over: Partial<DocumentView> = {}): DocumentView => ({
  brand: { displayName: 'Café Boquete', brandColor: '#0A6EBD', logoUrl: null },
  company: {
    legalName: 'Café Boquete, S.A.',
    ruc: '2588017-1-831938',
    dv: '58',
    address: 'Calle 50, Ciudad de Panamá',
    taxRegime: 'Contribuyente ITBMS',
    baseCurrency: 'PAB',
    baseMinorUnits: 2,
  },
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'SALES_INVOICE',
  status: 'POSTED',
  number: 'INV-2026-000042',
  documentDate: '2026-06-10',
  postingDate: '2026-06-10',
  dueDate: '2026-07-10',
  currency: 'PAB',
  minorUnits: 2,
  reference: null,
  memo: '',
  party: { code: 'C-1', name: 'Ñandú Café, S.A.', taxId: '155-1-2026' },
  appliesToNumber: null,
  bankAccount: null,
  lines: [
    line(1, { quantity: '4.0000', unitPrice: '12.500000', amountMinor: 5000n, taxMinor: 350n }),
    line(2, {
      description: 'Vino tinto',
      quantity: '2.0000',
      unitPrice: '617.255000',
      amountMinor: 123451n,
      taxMinor: 12345n,
      taxCode: 'ITBMS10',
      taxName: 'ITBMS 10 %',
      ratePercent: '10.000',
    }),
    line(3, {
      description: 'Exento',
      amountMinor: 1000n,
      taxMinor: 0n,
      taxCode: 'EXENTO',
      taxName: 'Exento',
      ratePercent: '0.000',
    }),
  ],
  allocations: [],
  subtotalMinor: 129451n,
  taxMinor: 12695n,
  totalMinor: 142146n,
  bankFeeMinor: 0n,
  fx: null,
  void: null,
  ...over,
});

describe('document text', () => {
  it('formats minor units and numerics from their digits, never through a float', () => {
    expect(moneyText(123456789012345678n, 2)).toBe('1,234,567,890,123,456.78');
    expect(moneyText(-5n, 2)).toBe('-0.05');
    expect(moneyText(1500n, 0)).toBe('1,500');
    expect(decimalText('12.500000', 2)).toBe('12.50');
    expect(decimalText('0.335000', 2)).toBe('0.335');
    expect(decimalText('4.0000')).toBe('4');
    expect(decimalText('1234.5000', 2)).toBe('1,234.50');
    expect(plainNumber('1.100000000000')).toBe('1.1');
    expect(plainNumber('7.000')).toBe('7');
  });

  it('sums the tax per code and rate from the lines as posted', () => {
    expect(taxesByRate(view().lines).map((t) => [t.taxCode, t.ratePercent, t.baseMinor, t.taxMinor])).toEqual(
      [
        ['ITBMS7', '7', 5000n, 350n],
        ['ITBMS10', '10', 123451n, 12345n],
        ['EXENTO', '0', 1000n, 0n],
      ],
    );
  });

  it('keeps Windows-1252 text and replaces what the standard fonts cannot show', () => {
    expect(winAnsi('Ñandú ¿sí? ¡ü! € —')).toBe('Ñandú ¿sí? ¡ü! € —');
    expect(winAnsi('東京 🙂')).toBe('?? ?');
    expect(logoImage('https://example.com/logo.png')).toBeNull();
    expect(logoImage('data:image/png;base64,iVBORw0KGgo=')?.length).toBe(8);
  });
});

describe('renderDocumentPdf', () => {
  it('prints the client, the party in Spanish, every line, the taxes per rate and the totals', async () => {
    const text = pdfText(await buffer(renderDocumentPdf(view())));
    expect(text).toContain('Café Boquete, S.A.');
    expect(text).toContain('RUC 2588017-1-831938 DV 58');
    expect(text).toContain('FACTURA / INVOICE');
    expect(text).toContain('No. INV-2026-000042');
    expect(text).toContain('Ñandú Café, S.A.');
    expect(text).toContain('Descripción / Description');
    expect(text).toMatch(/Línea 1\s+4\s+12\.50\s+50\.00\s+ITBMS7 7 %/);
    expect(text).toMatch(/Vino tinto\s+2\s+617\.255\s+1,234\.51\s+ITBMS10 10 %/);
    expect(text).toMatch(/ITBMS 7 % \(7 % sobre \/ on 50\.00\)\s+3\.50/);
    expect(text).toMatch(/ITBMS 10 % \(10 % sobre \/ on 1,234\.51\)\s+123\.45/);
    expect(text).toMatch(/Subtotal\s+1,294\.51/);
    expect(text).toMatch(/Impuesto \/ Tax\s+126\.95/);
    expect(text).toMatch(/Total PAB\s+1,421\.46/);
    expect(text).not.toContain('ANULADO');
  });

  it('shows a foreign document’s base total and rate, and marks a voided one', async () => {
    const text = pdfText(
      await buffer(
        renderDocumentPdf(
          view({
            currency: 'EUR',
            fx: {
              rate: '1.100000000000',
              rateDate: '2026-06-01',
              rateSource: 'ECB',
              baseTotalMinor: 156361n,
            },
            void: { reason: 'Facturado al cliente equivocado por error', voidDate: '2026-06-12' },
          }),
        ),
      ),
    );
    expect(text).toMatch(/Total EUR\s+1,421\.46/);
    expect(text).toMatch(/Total PAB\s+1,563\.61/);
    expect(text).toContain('Tasa / Rate: 1 EUR = 1.1 PAB (ECB, 2026-06-01)');
    expect(text).toContain('ANULADO / VOID');
    expect(text).toContain('2026-06-12: Facturado al cliente equivocado por error');
  });

  it('runs a long document over pages, numbering them', async () => {
    const lines = Array.from({ length: 120 }, (_, i) => line(i + 1));
    const text = pdfText(await buffer(renderDocumentPdf(view({ lines }))));
    expect(text).toMatch(/Línea 120\s+1\s+10\.00\s+10\.00/);
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(2);
    expect(text).toContain(`Page ${pages.length} of ${pages.length}`);
  });
});
