import type { Brand, DocumentView } from './document-view.ts';
import { logoImage } from './text.ts';

/**
 * What every rendered PDF shares (documents, party statements, the ITBMS return): the page's
 * measures, text the standard fonts can print, and the letterhead — the client's white label
 * (accent rule, logo, display name) over its legal details.
 */
export type Doc = PDFKit.PDFDocument;

export const LEFT = 50;
export const WIDTH = 495;
export const RIGHT = LEFT + WIDTH;
export const INK = '#1f2937';
export const MUTED = '#4b5563';

// Windows-1252's characters above Latin-1's control range: what the standard fonts can show.
const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Text the standard fonts can print: anything outside Windows-1252 becomes "?". */
export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0) ?? 0;
    const ok = (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || CP1252_EXTRA.has(ch);
    out += ok ? ch : ch === '\n' || ch === '\t' ? ' ' : '?';
  }
  return out;
}

/** Text at (x, y), returning the y below it. */
export function put(doc: Doc, text: string, x: number, y: number, o: PDFKit.Mixins.TextOptions = {}): number {
  doc.text(winAnsi(text), x, y, o);
  return doc.y;
}

/**
 * The letterhead on the left of the first page, `width` wide: the accent rule, the logo (left out
 * when pdfkit cannot read it: the PDF still renders), the display name in the accent colour, then
 * the legal name, RUC and DV, address and tax regime as far as the client has them. Returns the y
 * below it; the caller draws its own block on the right from y = 54.
 */
export function letterhead(
  doc: Doc,
  v: { brand: Brand; company: DocumentView['company'] },
  accent: string,
  width = 280,
): number {
  doc.rect(LEFT, 40, WIDTH, 4).fill(accent);
  let y = 54;
  const logo = logoImage(v.brand.logoUrl);
  if (logo) {
    try {
      doc.image(logo, LEFT, y, { fit: [120, 48] });
      y += 54;
    } catch {
      // An image pdfkit cannot read is left out.
    }
  }
  doc.font('Helvetica-Bold').fontSize(16).fillColor(accent);
  y = put(doc, v.brand.displayName, LEFT, y, { width });
  doc.font('Helvetica').fontSize(9).fillColor(INK);
  const c = v.company;
  y = put(doc, c.legalName, LEFT, y + 2, { width });
  if (c.ruc) y = put(doc, `RUC ${c.ruc} DV ${c.dv ?? ''}`, LEFT, y, { width });
  if (c.address) y = put(doc, c.address, LEFT, y, { width });
  if (c.taxRegime) y = put(doc, c.taxRegime, LEFT, y, { width });
  return y;
}
