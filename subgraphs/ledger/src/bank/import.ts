import { inTransaction, recordAuditEvent } from '@cifra/db';
import { DomainError, formatMoney, MAX_AMOUNT_INTEGER_DIGITS, parseIsoDate, parseMoney } from '@cifra/domain';
import type { Books } from '../services/books.ts';
import { requireBankAccount } from './accounts.ts';
import { parseCamt053Statement } from './formats/camt053.ts';
import { type CsvMapping, parseCsvStatement } from './formats/csv.ts';
import { parseOfxStatement } from './formats/ofx.ts';
import {
  checkStatedBalances,
  checkStatedPeriod,
  formatError,
  type ParsedStatement,
  statementDigest,
} from './formats/statement.ts';
import type { BankStatementModel } from './models.ts';
import {
  insertStatement,
  lastStatement,
  lockBankAccount,
  sameStatement,
  upsertBankAccount,
} from './store.ts';

export type StatementFormat = 'CSV' | 'OFX' | 'CAMT053';

export interface ImportInput {
  accountCode: string;
  format: StatementFormat;
  fileContent: string;
  csvMapping?: CsvMapping | null;
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
  input: ImportInput,
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

/**
 * Import one statement: read and checked whole before anything is written; then, with the bank
 * account's row locked (imports of one account take turns), refused if already imported or if it
 * does not follow the previous statement, and written with its lines in one transaction.
 */
export async function importBankStatement(books: Books, input: ImportInput): Promise<BankStatementModel> {
  const bank = await requireBankAccount(books, input.accountCode, 'input.accountCode');
  const mapping = input.csvMapping ?? (bank.csvMapping as CsvMapping | null);
  const parsed = readStatement(input, mapping, bank.minorUnits);
  if (parsed.currency && parsed.currency !== bank.currency) {
    throw new DomainError(
      'CURRENCY_MISMATCH',
      `The statement is in ${parsed.currency}; bank account ${input.accountCode} is in ${bank.currency}`,
      { field: 'input.fileContent', statementCurrency: parsed.currency, currency: bank.currency },
    );
  }
  const digest = statementDigest(parsed);
  const f = (m: bigint) => formatMoney(m, bank.minorUnits);
  return inTransaction(books.db, books.actor, async (tx) => {
    await lockBankAccount(tx, bank.accountId);
    const same = await sameStatement(tx, bank.accountId, digest, parsed.bankStatementId);
    if (same) {
      throw new DomainError(
        'STATEMENT_DUPLICATE',
        `This statement (${same.periodStart} – ${same.periodEnd}) was already imported`,
        { statementId: same.id, bankStatementId: same.bankStatementId },
      );
    }
    const previous = await lastStatement(tx, bank.accountId);
    if (
      previous &&
      (previous.closingBalanceMinor !== parsed.openingMinor || parsed.periodStart < previous.periodEnd)
    ) {
      throw new DomainError(
        'STATEMENT_GAP',
        previous.closingBalanceMinor !== parsed.openingMinor
          ? `The opening balance ${f(parsed.openingMinor)} is not the previous statement's closing balance ${f(previous.closingBalanceMinor)} (${previous.periodEnd}): a statement is missing in between, or this one is not the next`
          : `The statement starts ${parsed.periodStart}, before the previous one ends (${previous.periodEnd})`,
        {
          previousStatementId: previous.id,
          previousClosingBalance: f(previous.closingBalanceMinor),
          previousPeriodEnd: previous.periodEnd,
          openingBalance: f(parsed.openingMinor),
        },
      );
    }
    if (input.format === 'CSV' && input.csvMapping) {
      await upsertBankAccount(tx, {
        accountId: bank.accountId,
        currency: bank.currency,
        csvMapping: input.csvMapping,
      });
    }
    const row = await insertStatement(tx, {
      ...parsed,
      bankAccountId: bank.accountId,
      seq: (previous?.seq ?? 0) + 1,
      format: input.format,
      digest,
      importedBy: books.actor.userId ?? null,
    });
    await recordAuditEvent(tx, books.actor, {
      action: 'bank_statement.imported',
      entityType: 'BankStatement',
      entityId: row.id,
      after: {
        accountCode: input.accountCode,
        format: input.format,
        periodStart: parsed.periodStart,
        periodEnd: parsed.periodEnd,
        openingBalance: f(parsed.openingMinor),
        closingBalance: f(parsed.closingMinor),
        lines: parsed.lines.length,
        digest,
      },
    });
    return { ...row, currency: bank.currency, minorUnits: bank.minorUnits };
  });
}
