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
  const body = content
    .slice(start)
    .replace(/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/gi, '&amp;')
    .replace(/<([A-Za-z0-9._]+)>([^<]*[^<\s])\s*(?=<(?!\/\1>))/g, '<$1>$2</$1>');
  return closeEmptyLeaves(body);
}

/**
 * SGML elements with nothing in them (`<FITID>` then the next tag) closed as empty leaves, unless
 * their end tag comes before the element opens again: an aggregate (`<STMTTRN>`, closed in every
 * OFX version) or a leaf closed explicitly. Left as they were, an empty leaf made the file
 * unreadable XML instead of a refusal naming what is missing (a transaction without its FITID).
 * One pass: every tag's positions are listed first, and each empty element looks its name's next
 * end and next opening up from a cursor that only moves forward, so a hostile file of empty
 * elements costs its length, not its length squared.
 */
function closeEmptyLeaves(body: string): string {
  const positions = (tag: RegExp) => {
    const found = new Map<string, number[]>();
    for (const m of body.matchAll(tag)) {
      const list = found.get(m[1] as string);
      if (list) list.push(m.index);
      else found.set(m[1] as string, [m.index]);
    }
    return found;
  };
  const ends = positions(/<\/([A-Za-z0-9._]+)>/g);
  const opens = positions(/<([A-Za-z0-9._]+)>/g);
  const cursors = new Map<number[], number>();
  /** The first position in `list` after `from` (Infinity when none), moving the list's cursor on. */
  const next = (list: number[] | undefined, from: number) => {
    if (!list) return Number.POSITIVE_INFINITY;
    let i = cursors.get(list) ?? 0;
    while (i < list.length && (list[i] as number) <= from) i++;
    cursors.set(list, i);
    return list[i] ?? Number.POSITIVE_INFINITY;
  };
  return body.replace(/<([A-Za-z0-9._]+)>(?=\s*<)/g, (tag, name: string, offset: number) =>
    next(ends.get(name), offset) < next(opens.get(name), offset) ? tag : `<${name}></${name}>`,
  );
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
  checkFitIds(trns);
  const currency = cleanText(textOf(at(rs, 'CURDEF'))) || null;
  const lines = trns.map((t, i) => readTransaction(t, i + 1, currency, minorUnits));
  const closing = decimalToMinor(textOf(at(rs, 'LEDGERBAL', 'BALAMT')) ?? '', minorUnits, {
    field: 'LEDGERBAL.BALAMT',
  });
  // OFX states no opening balance: it is the closing balance less the lines.
  const opening = lines.reduce((sum, l) => sum - l.amountMinor, closing);
  return {
    bankStatementId: null,
    currency,
    periodStart: ofxDate(textOf(at(list, 'DTSTART')), 'BANKTRANLIST.DTSTART'),
    periodEnd: ofxDate(textOf(at(list, 'DTEND')), 'BANKTRANLIST.DTEND'),
    openingMinor: opening,
    closingMinor: closing,
    lines,
  };
}

/**
 * FITID is the bank's own id of a transaction on the account, required by OFX: two STMTTRN with one
 * FITID in a file are a corrupt or concatenated download, whose second copy would count the money
 * twice. The file is refused, naming both — and so is a transaction without one, which no such check
 * could tell from its copy.
 */
function checkFitIds(trns: readonly unknown[]): void {
  const seen = new Map<string, number>();
  trns.forEach((t, i) => {
    const id = cleanText(textOf(at(t, 'FITID')));
    if (!id) {
      throw formatError(
        `STMTTRN[${i + 1}] has no FITID, the bank's id of the transaction that OFX requires: its copy elsewhere in the file could not be told apart`,
        { field: `STMTTRN[${i + 1}].FITID` },
      );
    }
    const first = seen.get(id);
    if (first) {
      throw formatError(
        `STMTTRN[${first}] and STMTTRN[${i + 1}] have the same FITID "${id.slice(0, 40)}": a transaction is in the file twice (a corrupt or concatenated download)`,
        { field: `STMTTRN[${i + 1}].FITID` },
      );
    }
    seen.set(id, i + 1);
  });
}

/**
 * One STMTTRN as a statement line: its signed TRNAMT (never zero) in the statement's currency.
 * A transaction with its own CURRENCY aggregate states its amount in that other currency, which
 * is not the account's money: refused, not read as CURDEF.
 */
function readTransaction(t: unknown, n: number, currency: string | null, minorUnits: number): ParsedLine {
  const field = `STMTTRN[${n}]`;
  const own = cleanText(textOf(at(t, 'CURRENCY', 'CURSYM'))) || (at(t, 'CURRENCY') ? '?' : null);
  if (own && own !== currency) {
    throw formatError(`${field}: an amount in ${own}, not the statement's currency ${currency ?? '(none)'}`, {
      field: `${field}.CURRENCY`,
    });
  }
  const amount = decimalToMinor(textOf(at(t, 'TRNAMT')) ?? '', minorUnits, { field: `${field}.TRNAMT` });
  if (amount === 0n) throw formatError(`${field}: a zero amount`, { field: `${field}.TRNAMT` });
  const name = cleanText(textOf(at(t, 'NAME')) ?? textOf(at(t, 'PAYEE', 'NAME')));
  const memo = cleanText(textOf(at(t, 'MEMO')));
  return {
    bookingDate: ofxDate(textOf(at(t, 'DTPOSTED')), `${field}.DTPOSTED`),
    amountMinor: amount,
    description: memo || name,
    reference: cleanText(textOf(at(t, 'CHECKNUM')) ?? textOf(at(t, 'REFNUM')) ?? textOf(at(t, 'FITID'))),
    counterparty: name,
  };
}
