import { inTransaction, recordAuditEvent } from '@cifra/db';
import { badInput, DomainError } from '@cifra/domain';
import type { Books } from '../services/books.ts';
import { type CsvMapping, checkCsvMapping } from './formats/csv.ts';
import type { BankAccountModel } from './models.ts';
import { accountByCode, bankAccountOf, hasStatements, upsertBankAccount } from './store.ts';

/** The bank account behind a GL account code, or NOT_A_BANK_ACCOUNT. */
export async function requireBankAccount(
  books: Books,
  accountCode: string,
  field = 'accountCode',
): Promise<BankAccountModel> {
  const account = await accountByCode(books.db, accountCode, field);
  const bank = await bankAccountOf(books.db, account.id);
  if (!bank) {
    throw new DomainError('NOT_A_BANK_ACCOUNT', `${field}: ${accountCode} is not bound to the Bank role`, {
      field,
      value: accountCode,
    });
  }
  return toModel(books, bank);
}

export async function toModel(
  books: Books,
  bank: { accountId: string; currency: string; csvMapping: unknown },
): Promise<BankAccountModel> {
  const currency = bank.currency.trim();
  return {
    accountId: bank.accountId,
    currency,
    csvMapping: bank.csvMapping,
    minorUnits: await books.minorUnits(currency),
  };
}

/** Bind an account to the Bank role; its currency is fixed once a statement is imported. */
export async function bindBankAccount(
  books: Books,
  input: { accountCode: string; currency?: string | null },
): Promise<BankAccountModel> {
  const account = await accountByCode(books.db, input.accountCode);
  if (account.type !== 'ASSET' && account.type !== 'LIABILITY') {
    throw badInput(
      `accountCode: ${account.code} is ${account.type}: a bank account is an asset (or a card, a liability)`,
      {
        field: 'input.accountCode',
      },
    );
  }
  if (!account.active)
    throw badInput(`accountCode: ${account.code} is inactive`, { field: 'input.accountCode' });
  const currency = (input.currency ?? books.company.baseCurrency).trim();
  await books.minorUnits(currency, 'input.currency');
  return inTransaction(books.db, books.actor, async (tx) => {
    const before = await bankAccountOf(tx, account.id);
    if (before && before.currency.trim() !== currency && (await hasStatements(tx, account.id))) {
      throw new DomainError(
        'CURRENCY_MISMATCH',
        `${account.code} already has statements in ${before.currency}`,
        {
          field: 'input.currency',
        },
      );
    }
    const row = await upsertBankAccount(tx, { accountId: account.id, currency });
    await recordAuditEvent(tx, books.actor, {
      action: 'bank_account.bound',
      entityType: 'BankAccount',
      entityId: account.id,
      before: before ? { code: account.code, currency: before.currency } : null,
      after: { code: account.code, currency },
    });
    return toModel(books, row);
  });
}

export async function setCsvMapping(
  books: Books,
  accountCode: string,
  mapping: CsvMapping,
): Promise<BankAccountModel> {
  const bank = await requireBankAccount(books, accountCode);
  checkCsvMapping(mapping);
  return inTransaction(books.db, books.actor, async (tx) => {
    const row = await upsertBankAccount(tx, {
      accountId: bank.accountId,
      currency: bank.currency,
      csvMapping: mapping,
    });
    await recordAuditEvent(tx, books.actor, {
      action: 'bank_account.csv_mapping_saved',
      entityType: 'BankAccount',
      entityId: bank.accountId,
      after: { csvMapping: mapping },
    });
    return toModel(books, row);
  });
}
