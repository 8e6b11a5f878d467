import PDFDocument from 'pdfkit';
import type { Brand, DocumentView } from '../documents/document-view.ts';
import {
  type Doc,
  INK,
  LEFT,
  letterhead,
  MUTED,
  put,
  RIGHT,
  WIDTH,
  winAnsi,
} from '../documents/letterhead.ts';
import { moneyText, plainNumber } from '../documents/text.ts';
import type { ItbmsRateFigures, ItbmsReturnFigures } from './itbms-figures.ts';

/**
 * A month's ITBMS return as a PDF (A4, pdfkit's standard Helvetica, as the rendered documents):
 * the client's white label and legal details, the period, and the return's sections with their
 * figures. The lines are labelled by what they hold, in the words of the DGI's instructions for
 * Formulario 430 where we could confirm them; the form's line numbers are not printed
 * (docs/architecture/tax-return.md says why).
 */
export interface ItbmsReturnView {
  brand: Brand;
  company: DocumentView['company'];
  figures: ItbmsReturnFigures;
}

const BASE_X = RIGHT - 190;
const TAX_X = RIGHT - 90;
const AMOUNT_W = 90;

export function renderItbmsReturnPdf(view: ItbmsReturnView): Doc {
  const f = view.figures;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 50, bottom: 60, left: LEFT, right: 50 },
    bufferPages: true,
    info: {
      Title: winAnsi(`ITBMS ${f.from.slice(0, 7)} ${view.company.legalName}`),
      Author: winAnsi(view.brand.displayName),
      Creator: 'cifraHQ',
    },
  });
  const accent = view.brand.brandColor ?? INK;
  let y = header(doc, view, accent);
  y = sales(doc, f, y, accent);
  y = purchases(doc, f, y, accent);
  y = settlement(doc, f, y, accent);
  glCheck(doc, f, y, accent);
  footers(doc, view);
  doc.end();
  return doc;
}

function header(doc: Doc, v: ItbmsReturnView, accent: string): number {
  const y = letterhead(doc, v, accent, 260);
  const f = v.figures;
  let r = 54;
  doc.font('Helvetica-Bold').fontSize(12).fillColor(accent);
  r = put(doc, 'DECLARACIÓN DEL ITBMS / ITBMS RETURN', 315, r, { width: 230, align: 'right' });
  doc.font('Helvetica').fontSize(9).fillColor(INK);
  r = put(doc, 'Datos para el Formulario 430 (DGI)', 315, r + 2, { width: 230, align: 'right' });
  r = put(doc, `Período / Period: ${f.from.slice(0, 7)}`, 315, r + 2, { width: 230, align: 'right' });
  r = put(doc, `Del / From ${f.from} al / to ${f.to}`, 315, r, { width: 230, align: 'right' });
  r = put(doc, `Moneda / Currency: ${f.baseCurrency}`, 315, r, { width: 230, align: 'right' });
  return Math.max(y, r) + 16;
}

function sectionTitle(doc: Doc, title: string, y: number, accent: string): number {
  if (y > doc.page.height - 160) {
    doc.addPage();
    y = 50;
  }
  doc.font('Helvetica-Bold').fontSize(10).fillColor(accent);
  y = put(doc, title, LEFT, y, { width: WIDTH });
  doc.fontSize(8).fillColor(INK);
  put(doc, 'Monto / Amount', BASE_X, y + 2, { width: AMOUNT_W, align: 'right' });
  put(doc, 'ITBMS', TAX_X, y + 2, { width: AMOUNT_W, align: 'right' });
  doc
    .moveTo(LEFT, y + 14)
    .lineTo(RIGHT, y + 14)
    .lineWidth(0.8)
    .stroke(accent);
  return y + 18;
}

/** One row: a label, and a base and a tax amount (either may be absent). */
function row(
  doc: Doc,
  f: ItbmsReturnFigures,
  label: string,
  y: number,
  amounts: { base?: bigint; tax?: bigint },
  bold = false,
): number {
  doc
    .font(bold ? 'Helvetica-Bold' : 'Helvetica')
    .fontSize(9)
    .fillColor(INK);
  const width = BASE_X - LEFT - 10;
  const below = put(doc, label, LEFT, y, { width });
  const m = (minor: bigint) => moneyText(minor, f.minorUnits);
  if (amounts.base !== undefined) put(doc, m(amounts.base), BASE_X, y, { width: AMOUNT_W, align: 'right' });
  if (amounts.tax !== undefined) put(doc, m(amounts.tax), TAX_X, y, { width: AMOUNT_W, align: 'right' });
  return Math.max(below, y + 10) + 4;
}

const rateRows = (
  doc: Doc,
  f: ItbmsReturnFigures,
  what: string,
  list: ItbmsRateFigures[],
  y: number,
): number => {
  for (const l of list) {
    y = row(doc, f, `${what} ${plainNumber(l.ratePercent)} %`, y, { base: l.baseMinor, tax: l.taxMinor });
  }
  return y;
};

function sales(doc: Doc, f: ItbmsReturnFigures, y: number, accent: string): number {
  y = sectionTitle(doc, 'Operaciones y prestaciones de servicios del período y débito fiscal', y, accent);
  y = rateRows(doc, f, 'Operaciones gravadas / Taxable sales', f.sales, y);
  y = row(doc, f, 'Operaciones exentas / Exempt sales', y, { base: f.exemptSalesMinor });
  y = row(doc, f, 'Notas de crédito (restadas) / Credit notes (netted)', y, {
    base: f.creditNotesBaseMinor,
    tax: f.creditNotesTaxMinor,
  });
  y = row(doc, f, 'ITBMS de diario / Journal output tax', y, { tax: f.journalOutputTaxMinor });
  y = row(doc, f, 'Total débito fiscal / Output tax', y, { tax: f.outputTaxMinor }, true);
  return y + 10;
}

function purchases(doc: Doc, f: ItbmsReturnFigures, y: number, accent: string): number {
  y = sectionTitle(doc, 'Compras y crédito fiscal', y, accent);
  y = rateRows(doc, f, 'Compras gravadas / Taxable purchases', f.purchases, y);
  y = row(doc, f, 'Compras exentas / Exempt purchases', y, { base: f.exemptPurchasesMinor });
  y = row(doc, f, 'Notas de débito (restadas) / Debit notes (netted)', y, {
    base: f.debitNotesBaseMinor,
    tax: f.debitNotesTaxMinor,
  });
  y = row(doc, f, 'ITBMS de diario / Journal input tax', y, { tax: f.journalInputTaxMinor });
  y = row(doc, f, 'Total crédito fiscal / Input tax', y, { tax: f.inputTaxMinor }, true);
  return y + 10;
}

function settlement(doc: Doc, f: ItbmsReturnFigures, y: number, accent: string): number {
  y = sectionTitle(doc, 'Liquidación del impuesto / Settlement', y, accent);
  y = row(doc, f, 'Débito fiscal / Output tax', y, { tax: f.outputTaxMinor });
  y = row(doc, f, 'Crédito fiscal / Input tax', y, { tax: f.inputTaxMinor });
  y = row(doc, f, 'Crédito del período anterior / Credit brought forward', y, {
    tax: f.creditBroughtForwardMinor,
  });
  y = row(doc, f, 'Impuesto a pagar / Net payable', y, { tax: f.netPayableMinor }, true);
  y = row(doc, f, 'Crédito para el próximo período / Credit carried forward', y, {
    tax: f.creditCarriedForwardMinor,
  });
  return y + 10;
}

function glCheck(doc: Doc, f: ItbmsReturnFigures, y: number, accent: string): number {
  y = sectionTitle(doc, 'Movimiento del mes en el mayor / The month in the general ledger', y, accent);
  y = row(doc, f, 'Cuenta ITBMS por pagar / Sales-tax account', y, {
    tax: f.glOutputTaxMinor,
  });
  y = row(doc, f, 'Cuenta ITBMS por cobrar / Purchase-tax account', y, {
    tax: f.glInputTaxMinor,
  });
  doc.font('Helvetica-Bold').fontSize(9).fillColor(INK);
  return put(
    doc,
    f.reconciles
      ? 'Cuadra / Agrees: débito y crédito fiscal igualan el mayor al centavo.'
      : 'NO CUADRA / DOES NOT AGREE: revise los asientos en las cuentas de ITBMS.',
    LEFT,
    y + 4,
    { width: WIDTH },
  );
}

function footers(doc: Doc, v: ItbmsReturnView): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(7).fillColor(MUTED);
    put(
      doc,
      `${v.brand.displayName} · ITBMS ${v.figures.from.slice(0, 7)} · Página ${i + 1} de ${range.count} / Page ${i + 1} of ${range.count}`,
      LEFT,
      doc.page.height - 40,
      { width: WIDTH, align: 'center', lineBreak: false },
    );
    doc.page.margins.bottom = bottom;
  }
}
