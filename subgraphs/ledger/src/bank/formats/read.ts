import { DomainError, formatMoney, MAX_AMOUNT_INTEGER_DIGITS, parseIsoDate, parseMoney } from '@cifra/domain';
import { parseCamt053Statement } from './camt053.ts';
import { type CsvMapping, parseCsvStatement } from './csv.ts';
import { parseOfxStatement } from './ofx.ts';
import { checkStatedBalances, checkStatedPeriod, formatError, type ParsedStatement } from './statement.ts';

export type StatementFormat = 'CSV' | 'OFX' | 'CAMT053';

/** A statement file as an import gives it, with the balances and period given beside it. */
export interface StatementFile {
  format: StatementFormat;
  fileContent: string;
  openingBalance?: string | null;
  closingBalance?: string | null;
  periodStart?: string | null;
  periodEnd?: string | null;
}

/**
 * The file read whole and checked on its own (no database): its lines sum, its dates lie in its
 * period, and an opening or closing balance given beside it is its own.
 */
export function readStatement(
  input: StatementFile,
  mapping: CsvMapping | null,
  minorUnits: number,
): ParsedStatement {
  const money = (v: string | null | undefined, field: string) =>
    v == null ? null : parseMoney(v, minorUnits, field);
  const stated = {
    openingMinor: money(input.openingBalance, 'input.openingBalance'),
    closingMinor: money(input.closingBalance, 'input.closingBalance'),
  };
  const period = {
    periodStart: input.periodStart ? parseIsoDate(input.periodStart, 'input.periodStart') : null,
    periodEnd: input.periodEnd ? parseIsoDate(input.periodEnd, 'input.periodEnd') : null,
  };
  const s =
    input.format === 'CSV'
      ? parseCsvStatement(
          input.fileContent,
          mapping ??
            (() => {
              throw formatError('No CSV mapping is saved for this bank account: give csvMapping', {
                field: 'input.csvMapping',
              });
            })(),
          minorUnits,
          { ...stated, ...period },
        )
      : input.format === 'OFX'
        ? parseOfxStatement(input.fileContent, minorUnits)
        : parseCamt053Statement(input.fileContent, minorUnits);
  checkStatedBalances(s, stated, minorUnits);
  if (input.format !== 'CSV') checkStatedPeriod(s, period);
  if (s.periodStart > s.periodEnd)
    throw formatError(`The period ends (${s.periodEnd}) before it starts (${s.periodStart})`);
  const outside = s.lines.findIndex((l) => l.bookingDate < s.periodStart || l.bookingDate > s.periodEnd);
  if (outside >= 0) {
    throw formatError(
      `Statement line ${outside + 1} is dated ${s.lines[outside]!.bookingDate}, outside the period ${s.periodStart} – ${s.periodEnd}`,
    );
  }
  checkBalancesBounded(s, minorUnits);
  const sum = s.lines.reduce((acc, l) => acc + l.amountMinor, 0n);
  if (s.openingMinor + sum !== s.closingMinor) {
    const f = (m: bigint) => formatMoney(m, minorUnits);
    throw new DomainError(
      'STATEMENT_UNBALANCED',
      `The lines sum to ${f(sum)}: from the opening balance ${f(s.openingMinor)} they reach ${f(s.openingMinor + sum)}, not the closing balance ${f(s.closingMinor)}`,
      { opening: f(s.openingMinor), closing: f(s.closingMinor), linesTotal: f(sum) },
    );
  }
  return s;
}

/**
 * The statement's opening, every balance its lines reach and its closing, each no larger than an
 * amount the API takes (MAX_AMOUNT_INTEGER_DIGITS before the decimal point): a balance beyond it
 * could never be given back as the next statement's opening balance, nor summed by the database.
 */
function checkBalancesBounded(s: ParsedStatement, minorUnits: number): void {
  const bound = 10n ** BigInt(MAX_AMOUNT_INTEGER_DIGITS + minorUnits);
  const within = (m: bigint) => m < bound && m > -bound;
  const refuse = (what: string) =>
    formatError(
      `${what} is larger than the books take: at most ${MAX_AMOUNT_INTEGER_DIGITS} digits before the decimal point`,
    );
  if (!within(s.openingMinor)) throw refuse('The opening balance');
  let running = s.openingMinor;
  s.lines.forEach((l, k) => {
    running += l.amountMinor;
    if (!within(running)) throw refuse(`The balance after statement line ${k + 1}`);
  });
  if (!within(s.closingMinor)) throw refuse('The closing balance');
}
