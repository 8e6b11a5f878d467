import { createHash } from 'node:crypto';
import {
  canonicalJson,
  DomainError,
  formatMoney,
  type IsoDate,
  MAX_AMOUNT_INTEGER_DIGITS,
  MAX_AMOUNT_MINOR,
} from '@cifra/domain';

/**
 * What every statement format is read into, before any database is consulted. Amounts are bigint
 * minor units of the bank account's currency, signed as the GL is: money in is positive.
 */
export interface ParsedLine {
  bookingDate: IsoDate;
  amountMinor: bigint;
  description: string;
  reference: string;
  counterparty: string;
}

export interface ParsedStatement {
  /** The bank's own statement id, when the format carries one (camt.053 `Stmt/Id`). */
  bankStatementId: string | null;
  /** The currency the file declares, when it declares one. */
  currency: string | null;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  openingMinor: bigint;
  closingMinor: bigint;
  lines: ParsedLine[];
}

/** Bounds on an uploaded file (docs/architecture/bank.md, "Bounds"). */
export const MAX_STATEMENT_FILE_CHARS = 2_000_000;
export const MAX_STATEMENT_LINES = 10_000;
const MAX_FIELD_CHARS = 1_000;

/** A refusal of the file itself, naming the line (1-based, of the file) when it is known. */
export function formatError(message: string, details: { line?: number; field?: string } = {}): DomainError {
  const where = details.line ? ` (line ${details.line})` : '';
  return new DomainError('STATEMENT_FORMAT_INVALID', `${message}${where}`, details);
}

export function checkFileBounds(content: string): void {
  if (content.length > MAX_STATEMENT_FILE_CHARS) {
    throw formatError(`The file is larger than ${MAX_STATEMENT_FILE_CHARS} characters: split the statement`);
  }
  if (!content.trim()) throw formatError('The file is empty');
}

export function checkLineCount(count: number): void {
  if (count > MAX_STATEMENT_LINES) {
    throw formatError(`The statement has more than ${MAX_STATEMENT_LINES} lines: split it`);
  }
}

/** Text from a file: trimmed, control characters and NUL removed, bounded. */
export function cleanText(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value)
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > MAX_FIELD_CHARS ? text.slice(0, MAX_FIELD_CHARS) : text;
}

const PLAIN_DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/**
 * A plain decimal ("-1234.56") to minor units: refused when it has more decimals than the
 * currency, or is beyond the books' bound. Never through a float.
 */
export function decimalToMinor(
  text: string,
  minorUnits: number,
  where: { line?: number; field: string },
): bigint {
  const m = PLAIN_DECIMAL.exec(text.trim());
  if (!m) throw formatError(`${where.field}: "${cleanText(text).slice(0, 40)}" is not an amount`, where);
  const [, sign, whole = '0', fraction = ''] = m;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > minorUnits) {
    throw formatError(`${where.field}: "${text.trim()}" has more than ${minorUnits} decimal places`, where);
  }
  if (whole.replace(/^0+/, '').length > MAX_AMOUNT_INTEGER_DIGITS) {
    throw formatError(
      `${where.field}: the amount is too large: at most ${MAX_AMOUNT_INTEGER_DIGITS} digits before the decimal point`,
      where,
    );
  }
  const minor = BigInt(whole + significant.padEnd(minorUnits, '0'));
  if (minor > MAX_AMOUNT_MINOR) throw formatError(`${where.field}: the amount is too large`, where);
  return sign === '-' ? -minor : minor;
}

/** The opening and closing balances a caller stated beside the file (the import's input). */
export interface StatedBalances {
  openingMinor?: bigint | null;
  closingMinor?: bigint | null;
}

/**
 * A balance the caller states must be the statement's own: the file's (a CSV's balance column,
 * OFX's LEDGERBAL and the opening it implies, camt.053's OPBD/CLBD), or the one stated when the
 * file states none. A figure the caller read off the bank's printed statement that the file
 * contradicts means one of them is not this statement: STATEMENT_UNBALANCED, never one taken over
 * the other.
 */
export function checkStatedBalances(s: ParsedStatement, stated: StatedBalances, minorUnits: number): void {
  const f = (m: bigint) => formatMoney(m, minorUnits);
  for (const [which, given, own] of [
    ['opening', stated.openingMinor, s.openingMinor],
    ['closing', stated.closingMinor, s.closingMinor],
  ] as const) {
    if (given == null || given === own) continue;
    throw new DomainError(
      'STATEMENT_UNBALANCED',
      `The ${which} balance given, ${f(given)}, is not the statement's own ${which} balance ${f(own)}: the file is not the statement the balance was read from`,
      { field: `input.${which}Balance`, given: f(given), statement: f(own) },
    );
  }
}

/**
 * OFX and camt.053 state their own period (BANKTRANLIST's DTSTART/DTEND, FrToDt): a first or last
 * day given beside such a file must be the file's, as a balance given must (checkStatedBalances, above).
 * Taken over the file's, it would file the lines under another period; ignored, it would leave the
 * caller believing the statement covers what they said.
 */
export function checkStatedPeriod(
  s: ParsedStatement,
  given: { periodStart: string | null; periodEnd: string | null },
): void {
  for (const [field, day, own] of [
    ['periodStart', given.periodStart, s.periodStart],
    ['periodEnd', given.periodEnd, s.periodEnd],
  ] as const) {
    if (day === null || day === own) continue;
    throw new DomainError(
      'BAD_USER_INPUT',
      `The ${field === 'periodStart' ? 'first' : 'last'} day given, ${day}, is not the statement's own ${own}: the file states its period (give none, or the file's)`,
      { field: `input.${field}`, given: day, statement: own },
    );
  }
}

/** A calendar date from its parts, refused unless it exists and lies in 1900–9999. */
export function isoDate(
  year: number,
  month: number,
  day: number,
  where: { line?: number; field: string },
): IsoDate {
  const d = new Date(Date.UTC(year, month - 1, day));
  const valid =
    Number.isInteger(year) &&
    year >= 1900 &&
    year <= 9999 &&
    d.getUTCFullYear() === year &&
    d.getUTCMonth() === month - 1 &&
    d.getUTCDate() === day;
  if (!valid) throw formatError(`${where.field}: not a date between 1900 and 9999`, where);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` (with an optional time after it, as ISO 8601 and camt.053 write it). */
export function parseIsoDateText(text: string, where: { line?: number; field: string }): IsoDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(text.trim());
  if (!m) throw formatError(`${where.field}: "${cleanText(text).slice(0, 40)}" is not a date`, where);
  return isoDate(Number(m[1]), Number(m[2]), Number(m[3]), where);
}

/**
 * The statement's identity for duplicate detection: sha256 over its content (period, balances,
 * every line), not over the file's bytes — the same statement downloaded again, re-encoded, or in
 * another format is the same statement.
 */
export function statementDigest(s: ParsedStatement): string {
  const payload = {
    periodStart: s.periodStart,
    periodEnd: s.periodEnd,
    opening: s.openingMinor,
    closing: s.closingMinor,
    lines: s.lines.map((l) => [l.bookingDate, l.amountMinor, l.description, l.reference]),
  };
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}

/** Sorted dates of the lines: the period when the file gives none. */
export function spanOf(lines: readonly ParsedLine[]): { from: IsoDate; to: IsoDate } | null {
  if (!lines.length) return null;
  let from = lines[0]!.bookingDate;
  let to = from;
  for (const l of lines) {
    if (l.bookingDate < from) from = l.bookingDate;
    if (l.bookingDate > to) to = l.bookingDate;
  }
  return { from, to };
}
