import {
  checkFileBounds,
  checkLineCount,
  cleanText,
  decimalToMinor,
  formatError,
  isoDate,
  type ParsedLine,
  type ParsedStatement,
} from './statement.ts';
import { at, parseXml, textOf } from './xml.ts';

/**
 * OFX 1.x (SGML: a `KEY:VALUE` header, leaf elements left unclosed) and OFX 2.x (XML). The SGML
 * body is made XML by closing each leaf element where the next tag begins; both then go through
 * the XML parser. No maintained OFX parser on npm reads both versions without floats, so this is
 * the small part we own (tested in bank-formats.test.ts).
 */
export function ofxToXml(content: string): string {
  const start = content.search(/<OFX>/i);
  if (start < 0) throw formatError('This is not an OFX file: no <OFX> element');
  const body = content.slice(start);
  return body
    .replace(/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/gi, '&amp;')
    .replace(/<([A-Za-z0-9._]+)>([^<]*[^<\s])\s*(?=<(?!\/\1>))/g, '<$1>$2</$1>');
}

const OFX_DATE = /^(\d{4})(\d{2})(\d{2})/;

function ofxDate(text: string | undefined, field: string, line?: number): string {
  const m = OFX_DATE.exec((text ?? '').trim());
  if (!m)
    throw formatError(`${field}: "${cleanText(text).slice(0, 30)}" is not an OFX date`, { field, line });
  return isoDate(Number(m[1]), Number(m[2]), Number(m[3]), { field, line });
}

/** The one statement of an OFX file (a bank or credit-card statement response). */
export function parseOfxStatement(content: string, minorUnits: number): ParsedStatement {
  checkFileBounds(content);
  const doc = parseXml(ofxToXml(content), new Set(['STMTTRN', 'STMTTRNRS', 'CCSTMTTRNRS']));
  const responses = [
    ...((at(doc, 'OFX', 'BANKMSGSRSV1', 'STMTTRNRS') as unknown[] | undefined) ?? []).map((r) =>
      at(r, 'STMTRS'),
    ),
    ...((at(doc, 'OFX', 'CREDITCARDMSGSRSV1', 'CCSTMTTRNRS') as unknown[] | undefined) ?? []).map((r) =>
      at(r, 'CCSTMTRS'),
    ),
  ].filter(Boolean);
  if (responses.length !== 1) {
    throw formatError(`An OFX file is imported with exactly one statement; this one has ${responses.length}`);
  }
  const rs = responses[0];
  const list = at(rs, 'BANKTRANLIST');
  const trns = (at(list, 'STMTTRN') as unknown[] | undefined) ?? [];
  checkLineCount(trns.length);
  const lines: ParsedLine[] = trns.map((t, i) => {
    const n = i + 1;
    const amount = decimalToMinor(textOf(at(t, 'TRNAMT')) ?? '', minorUnits, {
      field: `STMTTRN[${n}].TRNAMT`,
    });
    if (amount === 0n) throw formatError(`STMTTRN[${n}]: a zero amount`, { field: `STMTTRN[${n}].TRNAMT` });
    const name = cleanText(textOf(at(t, 'NAME')) ?? textOf(at(t, 'PAYEE', 'NAME')));
    const memo = cleanText(textOf(at(t, 'MEMO')));
    return {
      bookingDate: ofxDate(textOf(at(t, 'DTPOSTED')), `STMTTRN[${n}].DTPOSTED`),
      amountMinor: amount,
      description: memo || name,
      reference: cleanText(textOf(at(t, 'CHECKNUM')) ?? textOf(at(t, 'REFNUM')) ?? textOf(at(t, 'FITID'))),
      counterparty: name,
    };
  });
  const closing = decimalToMinor(textOf(at(rs, 'LEDGERBAL', 'BALAMT')) ?? '', minorUnits, {
    field: 'LEDGERBAL.BALAMT',
  });
  // OFX states no opening balance: it is the closing balance less the lines.
  const opening = lines.reduce((sum, l) => sum - l.amountMinor, closing);
  return {
    bankStatementId: null,
    currency: cleanText(textOf(at(rs, 'CURDEF'))) || null,
    periodStart: ofxDate(textOf(at(list, 'DTSTART')), 'BANKTRANLIST.DTSTART'),
    periodEnd: ofxDate(textOf(at(list, 'DTEND')), 'BANKTRANLIST.DTEND'),
    openingMinor: opening,
    closingMinor: closing,
    lines,
  };
}
