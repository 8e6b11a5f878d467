import { parse } from 'csv-parse/sync';
import {
  checkFileBounds,
  checkLineCount,
  cleanText,
  decimalToMinor,
  formatError,
  isoDate,
  type ParsedLine,
  type ParsedStatement,
  spanOf,
} from './statement.ts';

export const CSV_DATE_FORMATS = ['YYYY_MM_DD', 'DD_MM_YYYY', 'MM_DD_YYYY', 'YYYYMMDD'] as const;
export type CsvDateFormat = (typeof CSV_DATE_FORMATS)[number];

/**
 * How one bank's CSV export reads, saved per bank account: columns by their header text, the
 * date order, the decimal separator (the other one is taken as a thousands separator), and either
 * one signed amount column or separate debit (money out) and credit (money in) columns.
 */
export interface CsvMapping {
  delimiter: string;
  dateColumn: string;
  dateFormat: CsvDateFormat;
  decimalSeparator: 'POINT' | 'COMMA';
  amountColumn?: string | null;
  debitColumn?: string | null;
  creditColumn?: string | null;
  descriptionColumn?: string | null;
  referenceColumn?: string | null;
  counterpartyColumn?: string | null;
  /** The running balance after each line: gives the opening and closing balances and checks each line. */
  balanceColumn?: string | null;
}

export interface CsvBalances {
  openingMinor?: bigint | null;
  closingMinor?: bigint | null;
  periodStart?: string | null;
  periodEnd?: string | null;
}

/** The mapping is coherent: one amount column, or a debit and a credit column. */
export function checkCsvMapping(m: CsvMapping): void {
  const bad = (message: string, field: string) => formatError(`CSV mapping: ${message}`, { field });
  if (![',', ';', '\t', '|'].includes(m.delimiter))
    throw bad('the delimiter is one of , ; | or a tab', 'delimiter');
  if (m.amountColumn && (m.debitColumn || m.creditColumn)) {
    throw bad('name an amount column or debit and credit columns, not both', 'amountColumn');
  }
  if (!m.amountColumn && !(m.debitColumn && m.creditColumn)) {
    throw bad('name an amount column, or both a debit and a credit column', 'amountColumn');
  }
}

const DATE_PARTS = /^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})$/;

function csvDate(text: string, format: CsvDateFormat, line: number): string {
  const where = { line, field: 'date' };
  const t = text.trim();
  if (format === 'YYYYMMDD') {
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
    if (!m) throw formatError(`date: "${cleanText(t).slice(0, 20)}" is not YYYYMMDD`, where);
    return isoDate(Number(m[1]), Number(m[2]), Number(m[3]), where);
  }
  const m = DATE_PARTS.exec(t);
  if (!m) throw formatError(`date: "${cleanText(t).slice(0, 20)}" is not a date`, where);
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (format === 'YYYY_MM_DD') return isoDate(a, b, c, where);
  if (format === 'DD_MM_YYYY') return isoDate(c, b, a, where);
  return isoDate(c, a, b, where);
}

/**
 * The number of an amount, by the mapping's decimal separator: plain, or grouped by thousands with
 * the other separator or with spaces (`_` here: a space between two digits, see `plainAmount`).
 */
const NUMBER: Record<CsvMapping['decimalSeparator'], RegExp> = {
  POINT: /^(?:\d+|\d{1,3}(?:,\d{3})+|\d{1,3}(?:_\d{3})+)(?:\.\d+)?$/,
  COMMA: /^(?:\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?:_\d{3})+)(?:,\d+)?$/,
};
const CURRENCY = /^(?:[$€£]|[A-Z]{3})/;
const CURRENCY_AFTER = /(?:[$€£]|[A-Z]{3})$/;
const ISO_CODE = /^[A-Z]{3}$/;
/**
 * The symbols that name one currency. "$" names many (the dollars, and in Panama the balboa's
 * notes are the US dollar's): it says nothing of the statement's currency.
 */
const SYMBOL_CODE: Record<string, string> = { '€': 'EUR', '£': 'GBP' };

/** An amount cell read: a plain signed decimal, and the ISO currency code it printed, if any. */
interface CellAmount {
  plain: string;
  code: string | null;
}

/**
 * "1.234,56", "(12.50)", "12.50-", "$ 1,000.00", "-5.00 USD", "1 234,56" → a plain signed decimal
 * string. One sign at most (a leading + or - or the Unicode minus, parentheses, or a trailing -),
 * one currency at most (a symbol or an ISO code, before or after the number), and the number
 * itself in the mapping's form: the other separator, or a space, only between groups of three
 * digits. Anything else is STATEMENT_FORMAT_INVALID naming the line — never a guess: "12.50" under
 * a decimal comma is not 1,250.00, "1,5" under a decimal point is not 15, "(-5.00)" is not +5.00,
 * "1 5.00" is not 15.00.
 */
function plainAmount(
  text: string,
  decimal: CsvMapping['decimalSeparator'],
  where: { line: number; field: string },
): CellAmount {
  // A space between two digits can only group thousands (checked by NUMBER); any other is padding.
  let t = text
    .replace(/\u2212/g, '-')
    .replace(/(?<=\d)\s+(?=\d)/g, '_')
    .replace(/\s/g, '');
  let signs = 0;
  let negative = false;
  const sign = (s: string) => {
    signs += 1;
    negative = s === '-';
  };
  const parenthesised = /^\((.*)\)$/.exec(t);
  if (parenthesised) {
    sign('-');
    t = parenthesised[1] as string;
  }
  const take = (pattern: RegExp) => {
    const m = pattern.exec(t);
    if (m) t = t.slice(0, m.index) + t.slice(m.index + m[0].length);
    return m?.[0];
  };
  const leading = take(/^[+-]/);
  if (leading) sign(leading);
  let currency = take(CURRENCY);
  const afterCurrency = currency && !leading ? take(/^[+-]/) : undefined;
  if (afterCurrency) sign(afterCurrency);
  if (!currency) currency = take(CURRENCY_AFTER);
  if (take(/-$/)) sign('-');
  if (signs > 1 || !NUMBER[decimal].test(t)) {
    const separator = decimal === 'POINT' ? 'a decimal point' : 'a decimal comma';
    throw formatError(
      `${where.field}: "${cleanText(text).slice(0, 40)}" is not an amount with ${separator} (the other separator or a space only between thousands, one sign, one currency)`,
      where,
    );
  }
  const plain = decimal === 'POINT' ? t.replace(/[,_]/g, '') : t.replace(/[._]/g, '').replace(',', '.');
  return {
    plain: negative ? `-${plain}` : plain,
    code: currency ? (ISO_CODE.test(currency) ? currency : (SYMBOL_CODE[currency] ?? null)) : null,
  };
}

/**
 * "1.000" is one under a decimal point and a thousand where the point groups thousands: for a
 * currency of fewer than three decimals, a third one is not the bank's, so it is not guessed.
 */
function refuseThirdDecimal(
  plain: string,
  text: string,
  minorUnits: number,
  where: { line: number; field: string },
) {
  if (minorUnits < 3 && /^-?[1-9]\d{0,2}\.\d{3}$/.test(plain)) {
    throw formatError(
      `${where.field}: "${cleanText(text).slice(0, 40)}" has three decimals, or groups a thousand: export the file again with two decimals`,
      where,
    );
  }
}

/**
 * A file's amount cells, read one after another into minor units (`plainAmount`, then
 * `refuseThirdDecimal`), and the one currency they print by ISO code, if any: an amount in "EUR"
 * is never read as the account's money, so the code is the statement's currency (checked against
 * the account's as OFX's and camt.053's are), and a second code in the same file is refused,
 * naming its line.
 */
class AmountCells {
  code: string | null = null;
  private line = 0;

  /** The cell's amount in minor units, its currency code noted. */
  read(text: string, m: CsvMapping, minorUnits: number, where: { line: number; field: string }): bigint {
    const { plain, code } = plainAmount(text, m.decimalSeparator, where);
    if (code && this.code && code !== this.code) {
      throw formatError(
        `${where.field}: an amount in ${code}, where line ${this.line} has ${this.code}`,
        where,
      );
    }
    if (code && !this.code) {
      this.code = code;
      this.line = where.line;
    }
    refuseThirdDecimal(plain, text, minorUnits, where);
    return decimalToMinor(plain, minorUnits, where);
  }
}

/**
 * A row's value in a column: its own, or empty where a short row lacks the column — never what an
 * object inherits under that name (a column headed `valueOf` or `constructor` is a column).
 */
const cell = (row: Record<string, string>, col: string): string =>
  Object.hasOwn(row, col) ? (row[col] ?? '') : '';

function amountOf(
  row: Record<string, string>,
  m: CsvMapping,
  minorUnits: number,
  line: number,
  cells: AmountCells,
): bigint | null {
  const read = (col: string, field: string) => {
    const raw = cell(row, col);
    return raw.trim() ? cells.read(raw, m, minorUnits, { line, field }) : null;
  };
  if (m.amountColumn) return read(m.amountColumn, 'amount');
  const debit = read(m.debitColumn as string, 'debit');
  const credit = read(m.creditColumn as string, 'credit');
  if (debit === null && credit === null) return null;
  // Money out and money in, each printed positive: a negative one is a bank's reversal or a
  // column mapped the wrong way round, and either reading of it could invert the money.
  for (const [value, field, col] of [
    [debit, 'debit', m.debitColumn],
    [credit, 'credit', m.creditColumn],
  ] as const) {
    if (value !== null && value < 0n) {
      throw formatError(
        `${field}: "${cleanText(cell(row, col as string)).slice(0, 40)}" is negative: the ${field} column holds money ${field === 'debit' ? 'out' : 'in'} as a positive amount`,
        { line, field },
      );
    }
  }
  if (debit && credit) {
    throw formatError('a row with both a debit and a credit amount: a row is one movement', {
      line,
      field: 'credit',
    });
  }
  return (credit ?? 0n) - (debit ?? 0n);
}

/**
 * Each column the mapping names is in the header once. Names are compared as the mapping reads
 * them: exactly, after the trimming every cell gets (`Monto` is not `monto`; ` monto ` is). A
 * repeated one would be read from its last occurrence, silently: it is refused, naming it. A
 * repeated column the mapping does not name (two blank headers) is never read and passes.
 */
function checkHeader(header: readonly string[], m: CsvMapping): void {
  for (const [field, col] of Object.entries(m)) {
    if (!field.endsWith('Column') || !col) continue;
    const times = header.filter((name) => name === col).length;
    if (times === 0) throw formatError(`CSV mapping: the file has no column "${col}"`, { field });
    if (times > 1) {
      throw formatError(
        `CSV mapping: the header names the column "${col}" ${times} times: rename all but one, or export the file again`,
        { line: 1, field },
      );
    }
  }
}

/**
 * A CSV statement. Rows with neither date nor amount (blank lines, totals) are skipped; a row with
 * one and not the other is refused; a row of a zero amount is no line, but a balance it prints is
 * checked.
 * Newest-first files are put in date order. Balances come from the balance column (checked on
 * every row that prints one), else from the import's own opening/closing.
 */
export function parseCsvStatement(
  content: string,
  m: CsvMapping,
  minorUnits: number,
  given: CsvBalances,
): ParsedStatement {
  checkFileBounds(content);
  checkCsvMapping(m);
  let rows: Record<string, string>[];
  let header: string[] = [];
  try {
    rows = parse(content.replace(/^\uFEFF/, ''), {
      // The header as the file has it, whatever its first row holds (a short row lacks columns).
      columns: (names: string[]) => {
        header = names;
        return names;
      },
      delimiter: m.delimiter,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      bom: true,
      max_record_size: 100_000,
    });
  } catch (err) {
    throw formatError(`The CSV cannot be read: ${(err as Error).message.slice(0, 200)}`);
  }
  checkLineCount(rows.length);
  checkHeader(header, m);
  // Every row that has a date and an amount, and zero ones that print a balance: a zero row moves
  // nothing and is no statement line, but its balance is checked against the running sum.
  const parsed: CsvRow[] = [];
  const cells = new AmountCells();
  rows.forEach((row, i) => {
    const line = i + 2; // the header is line 1
    const dateText = cell(row, m.dateColumn).trim();
    const amount = amountOf(row, m, minorUnits, line, cells);
    if (!dateText && amount === null) return;
    if (!dateText) throw formatError('a row with an amount has no date', { line, field: 'date' });
    if (amount === null) throw formatError('a row with a date has no amount', { line, field: 'amount' });
    const balanceText = m.balanceColumn ? cell(row, m.balanceColumn).trim() : '';
    if (amount === 0n && !balanceText) return; // informational: moves nothing, prints no balance
    parsed.push({
      line,
      bookingDate: csvDate(dateText, m.dateFormat, line),
      amountMinor: amount,
      description: cleanText(m.descriptionColumn ? cell(row, m.descriptionColumn) : ''),
      reference: cleanText(m.referenceColumn ? cell(row, m.referenceColumn) : ''),
      counterparty: cleanText(m.counterpartyColumn ? cell(row, m.counterpartyColumn) : ''),
      balance: balanceText ? cells.read(balanceText, m, minorUnits, { line, field: 'balance' }) : null,
    });
  });
  if (parsed.length > 1 && parsed[0]!.bookingDate > parsed[parsed.length - 1]!.bookingDate) parsed.reverse();
  const { openingMinor, closingMinor } = balancesOf(parsed, m, given);
  const moving = parsed.filter((l) => l.amountMinor !== 0n);
  const span = spanOf(moving);
  const periodStart = given.periodStart ?? span?.from;
  const periodEnd = given.periodEnd ?? span?.to;
  if (!periodStart || !periodEnd) {
    throw formatError(
      'The CSV has no lines: give the period (periodStart, periodEnd) to import an empty statement',
    );
  }
  return {
    bankStatementId: null,
    currency: cells.code,
    periodStart,
    periodEnd,
    openingMinor,
    closingMinor,
    lines: moving.map(({ balance: _b, line: _l, ...l }) => l),
  };
}

/** A row of the file read as a line, with the balance it prints and its line number in the file. */
type CsvRow = ParsedLine & { balance: bigint | null; line: number };

function balancesOf(
  parsed: readonly CsvRow[],
  m: CsvMapping,
  given: CsvBalances,
): { openingMinor: bigint; closingMinor: bigint } {
  if (m.balanceColumn && parsed.length) {
    const first = parsed[0]!;
    if (first.balance === null)
      throw formatError('the first row has no balance', { line: first.line, field: 'balance' });
    let running = first.balance - first.amountMinor;
    const opening = running;
    for (const l of parsed) {
      running += l.amountMinor;
      if (l.balance !== null && l.balance !== running) {
        throw formatError('the running balance does not follow from the amounts', {
          line: l.line,
          field: 'balance',
        });
      }
    }
    // The file's own balances: an opening or closing given as well is checked against them (import.ts).
    return { openingMinor: opening, closingMinor: running };
  }
  if (given.openingMinor == null || given.closingMinor == null) {
    throw formatError('This CSV has no balance column: give the opening and closing balances');
  }
  return { openingMinor: given.openingMinor, closingMinor: given.closingMinor };
}
