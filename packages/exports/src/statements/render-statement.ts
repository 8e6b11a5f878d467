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
import { KIND_TITLES } from '../documents/render-pdf.ts';
import { moneyText } from '../documents/text.ts';
import type { Buckets, PartyStatementData, StatementCurrency, StatementLine } from './statement-data.ts';

/**
 * A party's statement as a PDF (A4, the standard Helvetica, WinAnsi text as rendered documents):
 * the client's white label and legal details, the party, the period, then per currency the
 * balance brought forward, every line with its running balance, the totals, the closing balance
 * (and its base-currency equivalent for a foreign currency) and the aging at the end of the period
 * (in the currency, and for a foreign one in base currency too); when a currency is foreign, a last
 * table adds every currency's aging up in base currency, as arAging / apAging value it, beside the
 * party's base balance on the control account.
 */

export interface StatementView {
  brand: Brand;
  company: DocumentView['company'];
  statement: PartyStatementData;
}

/** Lines table columns: x and width. */
const COLS = {
  date: { x: LEFT, w: 56 },
  number: { x: LEFT + 58, w: 78 },
  kind: { x: LEFT + 138, w: 110 },
  due: { x: LEFT + 250, w: 56 },
  debit: { x: LEFT + 308, w: 60 },
  credit: { x: LEFT + 370, w: 60 },
  balance: { x: LEFT + 432, w: 63 },
};

/** Short bilingual names of what a line is. */
const LINE_KINDS: Record<string, string> = {
  SALES_INVOICE: 'Factura / Invoice',
  CREDIT_NOTE: 'Nota de crédito / Credit note',
  CUSTOMER_RECEIPT: 'Recibo / Receipt',
  PURCHASE_INVOICE: 'Factura / Bill',
  DEBIT_NOTE: 'Nota de débito / Debit note',
  VENDOR_PAYMENT: 'Pago / Payment',
  CUSTOMER_REFUND: 'Reembolso / Refund',
  VENDOR_REFUND: 'Reembolso / Refund',
  CUSTOMER_CREDIT_APPLICATION: 'Crédito aplicado / Credit applied',
  VENDOR_CREDIT_APPLICATION: 'Crédito aplicado / Credit applied',
};

export function lineKindText(l: Pick<StatementLine, 'kind' | 'isVoid'>): string {
  if (!l.kind) return 'Asiento / Journal entry';
  // The number column says which document a void reverses.
  if (l.isVoid) return 'Anulación / Void';
  return LINE_KINDS[l.kind] ?? KIND_TITLES[l.kind] ?? l.kind;
}

export function renderStatementPdf(view: StatementView): Doc {
  const s = view.statement;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 50, bottom: 60, left: LEFT, right: 50 },
    bufferPages: true,
    info: {
      Title: winAnsi(`Estado de cuenta / Statement ${s.party.code} ${s.from} ${s.to}`),
      Author: winAnsi(view.brand.displayName),
      Creator: 'cifraHQ',
    },
  });
  const accent = view.brand.brandColor ?? INK;
  let y = header(doc, view, accent);
  if (s.currencies.length === 0) {
    doc.font('Helvetica').fontSize(9).fillColor(INK);
    put(doc, 'Sin movimientos ni saldo / No activity and no balance', LEFT, y);
  }
  for (const c of s.currencies) y = currencySection(doc, view, c, y, accent);
  if (s.currencies.some((c) => c.currency !== s.baseCurrency)) baseSummary(doc, s, y, accent);
  footers(doc, view);
  doc.end();
  return doc;
}

function header(doc: Doc, v: StatementView, accent: string): number {
  let y = letterhead(doc, v, accent);

  const s = v.statement;
  let r = 54;
  doc.font('Helvetica-Bold').fontSize(12).fillColor(accent);
  r = put(doc, 'ESTADO DE CUENTA / STATEMENT', 330, r, { width: 215, align: 'right' });
  doc.font('Helvetica').fontSize(9).fillColor(INK);
  r = put(doc, `Período / Period: ${s.from} – ${s.to}`, 330, r + 2, { width: 215, align: 'right' });

  y = Math.max(y, r) + 14;
  doc.font('Helvetica').fontSize(8).fillColor(MUTED);
  y = put(doc, s.party.kind === 'CUSTOMER' ? 'Cliente / Customer' : 'Proveedor / Vendor', LEFT, y);
  doc.font('Helvetica-Bold').fontSize(11).fillColor(INK);
  y = put(doc, s.party.name, LEFT, y + 1, { width: 330 });
  doc.font('Helvetica').fontSize(9);
  y = put(doc, `Código / Code: ${s.party.code}`, LEFT, y + 1);
  if (s.party.tax_id) y = put(doc, `RUC / Tax id: ${s.party.tax_id}`, LEFT, y);
  return y + 14;
}

function room(doc: Doc, y: number, needed: number): number {
  if (y + needed <= doc.page.height - 70) return y;
  doc.addPage();
  return 50;
}

function rule(doc: Doc, y: number, accent: string): void {
  doc.moveTo(LEFT, y).lineTo(RIGHT, y).lineWidth(0.8).stroke(accent);
}

function tableHeader(doc: Doc, y: number, accent: string): number {
  doc.font('Helvetica-Bold').fontSize(7.5).fillColor(INK);
  const h = (text: string, col: { x: number; w: number }, right = false) =>
    put(doc, text, col.x, y, { width: col.w, align: right ? 'right' : 'left' });
  h('Fecha / Date', COLS.date);
  h('Número / Number', COLS.number);
  h('Concepto / Item', COLS.kind);
  h('Vence / Due', COLS.due);
  h('Débito / Debit', COLS.debit, true);
  h('Crédito / Credit', COLS.credit, true);
  h('Saldo / Balance', COLS.balance, true);
  rule(doc, y + 11, accent);
  return y + 15;
}

function currencySection(
  doc: Doc,
  v: StatementView,
  c: StatementCurrency,
  y: number,
  accent: string,
): number {
  const m = (minor: bigint) => moneyText(minor, c.minorUnits);
  y = room(doc, y, 90);
  doc.font('Helvetica-Bold').fontSize(10).fillColor(accent);
  y = put(doc, `Moneda / Currency: ${c.currency}`, LEFT, y) + 4;
  y = tableHeader(doc, y, accent);
  doc.font('Helvetica').fontSize(8).fillColor(INK);
  put(doc, v.statement.from, COLS.date.x, y, { width: COLS.date.w });
  put(doc, 'Saldo anterior / Opening balance', COLS.number.x, y, { width: 240 });
  put(doc, m(c.openingMinor), COLS.balance.x, y, { width: COLS.balance.w, align: 'right' });
  y += 12;
  for (const l of c.lines) {
    y = room(doc, y, 12);
    if (y === 50) y = tableHeader(doc, y, accent);
    doc.font('Helvetica').fontSize(8).fillColor(INK);
    const cell = (text: string, col: { x: number; w: number }, right = false) =>
      put(doc, text, col.x, y, { width: col.w, align: right ? 'right' : 'left', height: 10, ellipsis: true });
    cell(l.postingDate, COLS.date);
    cell(l.documentNumber ?? l.entryNumber, COLS.number);
    cell(lineKindText(l), COLS.kind);
    cell(l.dueDate ?? '', COLS.due);
    cell(l.debitMinor ? m(l.debitMinor) : '', COLS.debit, true);
    cell(l.creditMinor ? m(l.creditMinor) : '', COLS.credit, true);
    cell(m(l.balanceMinor), COLS.balance, true);
    y += 12;
  }
  y = room(doc, y, 40);
  rule(doc, y, accent);
  y += 4;
  doc.font('Helvetica-Bold').fontSize(8);
  put(doc, 'Totales / Totals', COLS.number.x, y, { width: 200 });
  put(doc, m(c.debitMinor), COLS.debit.x, y, { width: COLS.debit.w, align: 'right' });
  put(doc, m(c.creditMinor), COLS.credit.x, y, { width: COLS.credit.w, align: 'right' });
  y += 13;
  put(doc, `Saldo al / Closing balance at ${v.statement.to}`, COLS.number.x, y, { width: 300 });
  put(doc, `${c.currency} ${m(c.closingMinor)}`, COLS.credit.x - 40, y, {
    width: COLS.balance.x + COLS.balance.w - COLS.credit.x + 40,
    align: 'right',
  });
  y += 13;
  const base = v.statement.baseCurrency;
  if (c.currency !== base) {
    doc.font('Helvetica').fontSize(8).fillColor(MUTED);
    put(
      doc,
      `Equivalente / Equivalent ${base} ${moneyText(c.baseClosingMinor, v.statement.baseMinorUnits)}`,
      LEFT,
      y,
      {
        width: WIDTH,
        align: 'right',
      },
    );
    y += 12;
  }
  return agingTable(doc, v.statement, c, y + 4, accent) + 16;
}

const AGING_COLUMNS: [keyof Buckets, string][] = [
  ['current', 'Al día / Current'],
  ['days1To30', '1-30'],
  ['days31To60', '31-60'],
  ['days61To90', '61-90'],
  ['over90', '+90'],
  ['total', 'Total'],
];

function agingHeader(doc: Doc, title: string, y: number, accent: string): number {
  y = room(doc, y, 40);
  doc.font('Helvetica-Bold').fontSize(8).fillColor(INK);
  put(doc, title, LEFT, y, { width: 160 });
  AGING_COLUMNS.forEach(([, label], i) => {
    put(doc, label, LEFT + 160 + i * AGING_W, y, { width: AGING_W, align: 'right' });
  });
  rule(doc, y + 11, accent);
  return y + 15;
}

function agingRow(doc: Doc, label: string, b: Buckets, minorUnits: number, y: number, bold = false): number {
  y = room(doc, y, 12);
  doc
    .font(bold ? 'Helvetica-Bold' : 'Helvetica')
    .fontSize(8)
    .fillColor(INK);
  put(doc, label, LEFT, y, { width: 160 });
  AGING_COLUMNS.forEach(([key], i) => {
    put(doc, moneyText(b[key], minorUnits), LEFT + 160 + i * AGING_W, y, { width: AGING_W, align: 'right' });
  });
  return y + 12;
}

const AGING_W = (WIDTH - 160) / AGING_COLUMNS.length;

/** The currency's aging, and for a foreign currency the same in base at the booked rates. */
function agingTable(
  doc: Doc,
  s: PartyStatementData,
  c: StatementCurrency,
  y: number,
  accent: string,
): number {
  y = agingHeader(doc, 'Antigüedad / Aging (días / days)', y, accent);
  y = agingRow(doc, c.currency, c.aging, c.minorUnits, y);
  if (c.currency === s.baseCurrency) return y;
  return agingRow(doc, `${c.currency} en / in ${s.baseCurrency}`, c.baseAging, s.baseMinorUnits, y);
}

/**
 * Every currency's aging in base currency and their total (arAging / apAging's valuation, each
 * invoice at its booked rate), then the party's base balance on the control account to tick it against.
 */
function baseSummary(doc: Doc, s: PartyStatementData, y: number, accent: string): number {
  y = room(doc, y, 60);
  doc.font('Helvetica-Bold').fontSize(10).fillColor(accent);
  y = put(doc, `Total en / Total in ${s.baseCurrency} al / at ${s.to}`, LEFT, y) + 4;
  y = agingHeader(doc, `Antigüedad / Aging (${s.baseCurrency})`, y, accent);
  for (const c of s.currencies) {
    const label = c.currency === s.baseCurrency ? c.currency : `${c.currency} en / in ${s.baseCurrency}`;
    y = agingRow(doc, label, c.baseAging, s.baseMinorUnits, y);
  }
  y = agingRow(doc, `Total ${s.baseCurrency}`, s.baseAging, s.baseMinorUnits, y, true);
  doc.font('Helvetica').fontSize(8).fillColor(INK);
  put(doc, 'Saldo en la cuenta de control / Control-account balance', LEFT, y + 2, { width: 300 });
  put(doc, `${s.baseCurrency} ${moneyText(s.baseClosingMinor, s.baseMinorUnits)}`, RIGHT - 160, y + 2, {
    width: 160,
    align: 'right',
  });
  return y + 16;
}

function footers(doc: Doc, v: StatementView): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(7).fillColor(MUTED);
    put(
      doc,
      `${v.brand.displayName} · ${v.statement.party.code} · ${v.statement.from} – ${v.statement.to} · Página ${i + 1} de ${range.count} / Page ${i + 1} of ${range.count}`,
      LEFT,
      doc.page.height - 40,
      { width: WIDTH, align: 'center', lineBreak: false },
    );
    doc.page.margins.bottom = bottom;
  }
}
