import { inTransaction, recordAuditEvent } from '@cifra/db';
import { DomainError, formatMoney } from '@cifra/domain';
import type { Books } from '../services/books.ts';
import { requireBankAccount } from './accounts.ts';
import type { CsvMapping } from './formats/csv.ts';
import type { StatementFile } from './formats/read.ts';
import { readStatementOffThread } from './formats/read-off-thread.ts';
import { statementDigest } from './formats/statement.ts';
import type { BankStatementModel } from './models.ts';
import {
  insertStatement,
  lastStatement,
  lockBankAccount,
  sameStatement,
  upsertBankAccount,
} from './store.ts';

export interface ImportInput extends StatementFile {
  accountCode: string;
  csvMapping?: CsvMapping | null;
}

/**
 * Import one statement: read and checked whole before anything is written; then, with the bank
 * account's row locked (imports of one account take turns), refused if already imported or if it
 * does not follow the previous statement, and written with its lines in one transaction.
 */
export async function importBankStatement(books: Books, input: ImportInput): Promise<BankStatementModel> {
  const bank = await requireBankAccount(books, input.accountCode, 'input.accountCode');
  const mapping = input.csvMapping ?? (bank.csvMapping as CsvMapping | null);
  const parsed = await readStatementOffThread(input, mapping, bank.minorUnits);
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
