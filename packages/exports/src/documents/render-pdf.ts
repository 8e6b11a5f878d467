import { isMoneyIn } from '@cifra/domain';
import PDFDocument from 'pdfkit';
import type { DocumentView } from './document-view.ts';
import { type Doc, INK, LEFT, letterhead, MUTED, put, RIGHT, WIDTH, winAnsi } from './letterhead.ts';
import { decimalText, moneyText, plainNumber, taxesByRate } from './text.ts';

/**
 * A posted document as a PDF (A4, pdfkit's standard Helvetica). The standard fonts are
 * WinAnsi-encoded, which holds every Spanish letter and sign (á é í ó ú ñ ü ¿ ¡, €); text outside
 * it is shown as "?" rather than as garbage. Labels are Spanish / English, as Panama's clients and
 * their foreign customers read them. The returned document is a readable stream; nothing is drawn
 * from the network (a logo is drawn only when the white label gives it as a data: URL).
 */

export const KIND_TITLES: Record<string, string> = {
  SALES_INVOICE: 'FACTURA / INVOICE',
  CREDIT_NOTE: 'NOTA DE CRÉDITO / CREDIT NOTE',
  CUSTOMER_RECEIPT: 'RECIBO / RECEIPT',
  PURCHASE_INVOICE: 'FACTURA DE PROVEEDOR / VENDOR BILL',
  DEBIT_NOTE: 'NOTA DE DÉBITO / DEBIT NOTE',
  VENDOR_PAYMENT: 'COMPROBANTE DE PAGO / PAYMENT',
  CUSTOMER_REFUND: 'REEMBOLSO / REFUND',
  VENDOR_REFUND: 'REEMBOLSO DE PROVEEDOR / VENDOR REFUND',
  CUSTOMER_CREDIT_APPLICATION: 'APLICACIÓN DE CRÉDITO / CREDIT APPLICATION',
  VENDOR_CREDIT_APPLICATION: 'APLICACIÓN DE CRÉDITO DE PROVEEDOR / VENDOR CREDIT APPLICATION',
  BAD_DEBT_WRITE_OFF: 'CASTIGO / BAD-DEBT WRITE-OFF',
};

const SALES_SIDE = new Set([
  'SALES_INVOICE',
  'CREDIT_NOTE',
  'CUSTOMER_RECEIPT',
  'CUSTOMER_REFUND',
  'CUSTOMER_CREDIT_APPLICATION',
  'BAD_DEBT_WRITE_OFF',
]);

const VOID_RED = '#b91c1c';

/** The lines table: x offset and width of each column. */
const COLS = {
  n: { x: LEFT, w: 22 },
  description: { x: LEFT + 24, w: 185 },
  quantity: { x: LEFT + 211, w: 50 },
  unitPrice: { x: LEFT + 263, w: 72 },
  amount: { x: LEFT + 337, w: 78 },
  tax: { x: LEFT + 419, w: 76 },
};

export function renderDocumentPdf(view: DocumentView): Doc {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 50, bottom: 60, left: LEFT, right: 50 },
    bufferPages: true,
    info: {
      Title: winAnsi(`${KIND_TITLES[view.kind] ?? view.kind} ${view.number ?? ''}`.trim()),
      Author: winAnsi(view.brand.displayName),
      Creator: 'cifraHQ',
    },
  });
  const accent = view.brand.brandColor ?? INK;
  let y = header(doc, view, accent);
  if (view.void) y = voidBanner(doc, view.void, y);
  y = partyBlock(doc, view, y);
  if (view.lines.length) y = linesTable(doc, view, y, accent);
  if (view.allocations.length) y = allocationsTable(doc, view, y, accent);
  y = totals(doc, view, y);
  footers(doc, view);
  doc.end();
  return doc;
}

function header(doc: Doc, v: DocumentView, accent: string): number {
  const y = letterhead(doc, v, accent);

  // The document's own block, on the right.
  let r = 54;
  doc.font('Helvetica-Bold').fontSize(12).fillColor(accent);
  r = put(doc, KIND_TITLES[v.kind] ?? v.kind, 330, r, { width: 215, align: 'right' });
  doc.font('Helvetica-Bold').fontSize(10).fillColor(INK);
  r = put(doc, `No. ${v.number ?? ''}`, 330, r + 2, { width: 215, align: 'right' });
  doc.font('Helvetica').fontSize(9);
  r = put(doc, `Fecha / Date: ${v.documentDate}`, 330, r + 2, { width: 215, align: 'right' });
  if (v.postingDate !== v.documentDate) {
    r = put(doc, `Contabilizado / Posted: ${v.postingDate}`, 330, r, { width: 215, align: 'right' });
  }
  if (v.dueDate) r = put(doc, `Vence / Due: ${v.dueDate}`, 330, r, { width: 215, align: 'right' });
  r = put(doc, `Moneda / Currency: ${v.currency}`, 330, r, { width: 215, align: 'right' });
  return Math.max(y, r) + 14;
}

function voidBanner(doc: Doc, v: NonNullable<DocumentView['void']>, y: number): number {
  doc.save();
  doc.lineWidth(2).rect(LEFT, y, WIDTH, 44).stroke(VOID_RED);
  doc.font('Helvetica-Bold').fontSize(18).fillColor(VOID_RED);
  put(doc, 'ANULADO / VOID', LEFT, y + 6, { width: WIDTH, align: 'center' });
  doc.font('Helvetica').fontSize(8);
  put(doc, `${v.voidDate ? `${v.voidDate}: ` : ''}${v.reason}`, LEFT + 10, y + 28, {
    width: WIDTH - 20,
    align: 'center',
    height: 12,
    ellipsis: true,
  });
  doc.restore();
  return y + 56;
}

function partyBlock(doc: Doc, v: DocumentView, y: number): number {
  const role = SALES_SIDE.has(v.kind) ? 'Cliente / Customer' : 'Proveedor / Vendor';
  doc.font('Helvetica').fontSize(8).fillColor(MUTED);
  y = put(doc, role, LEFT, y);
  doc.font('Helvetica-Bold').fontSize(11).fillColor(INK);
  y = put(doc, v.party.name, LEFT, y + 1, { width: 330 });
  doc.font('Helvetica').fontSize(9);
  y = put(doc, `Código / Code: ${v.party.code}`, LEFT, y + 1);
  if (v.party.taxId) y = put(doc, `RUC / Tax id: ${v.party.taxId}`, LEFT, y);
  if (v.appliesToNumber) y = put(doc, `Aplica a / Applies to: ${v.appliesToNumber}`, LEFT, y);
  if (v.reference) y = put(doc, `Referencia / Reference: ${v.reference}`, LEFT, y, { width: WIDTH });
  if (v.bankAccount) {
    y = put(doc, `Cuenta / Account: ${v.bankAccount.code} ${v.bankAccount.name}`, LEFT, y, { width: WIDTH });
  }
  if (v.memo) y = put(doc, v.memo, LEFT, y + 2, { width: WIDTH });
  return y + 14;
}

/** A new page when `needed` points do not fit above the footer; the y to draw at. */
function room(doc: Doc, y: number, needed: number, redraw?: (y: number) => number): number {
  if (y + needed <= doc.page.height - 70) return y;
  doc.addPage();
  return redraw ? redraw(50) : 50;
}

function tableHeader(doc: Doc, y: number, accent: string): number {
  doc.font('Helvetica-Bold').fontSize(8).fillColor(INK);
  put(doc, '#', COLS.n.x, y, { width: COLS.n.w });
  put(doc, 'Descripción / Description', COLS.description.x, y, { width: COLS.description.w });
  put(doc, 'Cant. / Qty', COLS.quantity.x, y, { width: COLS.quantity.w, align: 'right' });
  put(doc, 'Precio / Price', COLS.unitPrice.x, y, { width: COLS.unitPrice.w, align: 'right' });
  put(doc, 'Importe / Amount', COLS.amount.x, y, { width: COLS.amount.w, align: 'right' });
  put(doc, 'Impuesto / Tax', COLS.tax.x, y, { width: COLS.tax.w, align: 'right' });
  doc
    .moveTo(LEFT, y + 12)
    .lineTo(RIGHT, y + 12)
    .lineWidth(0.8)
    .stroke(accent);
  return y + 16;
}

function linesTable(doc: Doc, v: DocumentView, y: number, accent: string): number {
  y = tableHeader(doc, room(doc, y, 40), accent);
  doc.font('Helvetica').fontSize(8.5).fillColor(INK);
  for (const l of v.lines) {
    const description = winAnsi(l.description || l.itemCode || '');
    const h = Math.max(doc.heightOfString(description, { width: COLS.description.w }), 10) + 4;
    y = room(doc, y, h, (top) => {
      const below = tableHeader(doc, top, accent);
      doc.font('Helvetica').fontSize(8.5).fillColor(INK);
      return below;
    });
    const rate = l.taxCode ? `${l.taxCode} ${plainNumber(l.ratePercent ?? '0')} %` : 'Exento / None';
    put(doc, String(l.lineNumber), COLS.n.x, y, { width: COLS.n.w });
    put(doc, description, COLS.description.x, y, { width: COLS.description.w });
    put(doc, decimalText(l.quantity), COLS.quantity.x, y, { width: COLS.quantity.w, align: 'right' });
    put(doc, decimalText(l.unitPrice, v.minorUnits), COLS.unitPrice.x, y, {
      width: COLS.unitPrice.w,
      align: 'right',
    });
    put(doc, moneyText(l.amountMinor, v.minorUnits), COLS.amount.x, y, {
      width: COLS.amount.w,
      align: 'right',
    });
    put(doc, rate, COLS.tax.x, y, { width: COLS.tax.w, align: 'right' });
    y += h;
  }
  return y + 8;
}

function allocationsTable(doc: Doc, v: DocumentView, y: number, accent: string): number {
  y = room(doc, y, 40);
  doc.font('Helvetica-Bold').fontSize(8).fillColor(INK);
  put(doc, 'Aplicado a / Applied to', LEFT, y, { width: 300 });
  put(doc, 'Importe / Amount', RIGHT - 120, y, { width: 120, align: 'right' });
  doc
    .moveTo(LEFT, y + 12)
    .lineTo(RIGHT, y + 12)
    .lineWidth(0.8)
    .stroke(accent);
  y += 16;
  doc.font('Helvetica').fontSize(8.5);
  for (const a of v.allocations) {
    y = room(doc, y, 14);
    put(doc, a.invoiceNumber ?? '', LEFT, y, { width: 300 });
    put(doc, `${a.currency} ${moneyText(a.amountMinor, v.minorUnits)}`, RIGHT - 160, y, {
      width: 160,
      align: 'right',
    });
    y += 13;
  }
  return y + 8;
}

/** One label/value row of the totals block, right-aligned. */
function totalRow(doc: Doc, label: string, value: string, y: number, bold = false): number {
  doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(bold ? 10 : 9);
  put(doc, label, LEFT + 150, y, { width: 235, align: 'right' });
  put(doc, value, RIGHT - 105, y, { width: 105, align: 'right' });
  return y + (bold ? 15 : 13);
}

function totals(doc: Doc, v: DocumentView, y: number): number {
  const taxes = taxesByRate(v.lines);
  y = room(doc, y, 60 + taxes.length * 13 + (v.fx ? 30 : 0));
  doc.fillColor(INK);
  const m = (minor: bigint) => moneyText(minor, v.minorUnits);
  if (v.lines.length) {
    y = totalRow(doc, 'Subtotal', m(v.subtotalMinor), y);
    for (const t of taxes) {
      const label = t.taxCode
        ? `${t.label} (${t.ratePercent} % sobre / on ${m(t.baseMinor)})`
        : `${t.label} (sobre / on ${m(t.baseMinor)})`;
      y = totalRow(doc, label, m(t.taxMinor), y);
    }
    y = totalRow(doc, 'Impuesto / Tax', m(v.taxMinor), y);
  }
  if (v.bankFeeMinor !== 0n) {
    y = totalRow(doc, 'Cargo bancario / Bank fee', m(v.bankFeeMinor), y);
  }
  y = totalRow(doc, `Total ${v.currency}`, m(v.totalMinor), y + 2, true);
  if (v.bankFeeMinor !== 0n) {
    // As the documents export: a receipt's fee is withheld (the bank got total − fee), a payment's
    // is added (the bank paid total + fee).
    y = isMoneyIn(v.kind)
      ? totalRow(doc, 'Neto recibido / Net received', m(v.totalMinor - v.bankFeeMinor), y)
      : totalRow(doc, 'Neto pagado / Net paid', m(v.totalMinor + v.bankFeeMinor), y);
  }
  if (v.fx) {
    const base = v.company.baseCurrency;
    y = totalRow(doc, `Total ${base}`, moneyText(v.fx.baseTotalMinor, v.company.baseMinorUnits), y, true);
    doc.font('Helvetica').fontSize(8).fillColor(MUTED);
    const provenance = [v.fx.rateSource, v.fx.rateDate].filter(Boolean).join(', ');
    y = put(
      doc,
      `Tasa / Rate: 1 ${v.currency} = ${plainNumber(v.fx.rate)} ${base}${provenance ? ` (${provenance})` : ''}`,
      LEFT,
      y + 2,
      { width: WIDTH, align: 'right' },
    );
  }
  return y;
}

/** Page numbers and the document's number on every page, drawn once all pages exist. */
function footers(doc: Doc, v: DocumentView): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Drawing inside the bottom margin would otherwise make pdfkit start a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(7).fillColor(MUTED);
    put(
      doc,
      `${v.brand.displayName} · ${v.number ?? ''} · Página ${i + 1} de ${range.count} / Page ${i + 1} of ${range.count}`,
      LEFT,
      doc.page.height - 40,
      { width: WIDTH, align: 'center', lineBreak: false },
    );
    doc.page.margins.bottom = bottom;
  }
}
