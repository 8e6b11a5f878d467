import { inTransaction, recordAuditEvent } from '@cifra/db';
import { DomainError, formatMoney, isUuid, requireReason } from '@cifra/domain';
import type { Books } from '../services/books.ts';
import { toModel } from './accounts.ts';
import type { BankStatementModel } from './models.ts';
import {
  bankAccountOf,
  lastStatement,
  lockBankAccount,
  lockStatement,
  markStatementDeleted,
  matchedLineCount,
} from './store.ts';

/**
 * Delete a wrongly imported statement, with a reason: marked deleted (never removed), after which
 * it no longer counts, so the same file can be imported again. Only the account's latest live
 * statement, and only while none of its lines is matched. The statement is locked first (matching
 * share-locks it), then the bank account (imports take turns on it), the order matching takes
 * them in: so a match, an import and a deletion at once never deadlock, and each sees the others.
 * Writes nothing to the books: like matching, it is not held by the period gate.
 */
export async function deleteBankStatement(
  books: Books,
  statementId: string,
  rawReason: string,
): Promise<BankStatementModel> {
  const reason = requireReason(rawReason);
  const notFound = () =>
    new DomainError('NOT_FOUND', `No bank statement ${statementId.slice(0, 60)}`, { field: 'statementId' });
  if (!isUuid(statementId)) throw notFound();
  const actor = { ...books.actor, reason };
  return inTransaction(books.db, actor, async (tx) => {
    const statement = await lockStatement(tx, statementId);
    if (!statement) throw notFound();
    if (statement.deletedAt) {
      throw new DomainError('CONFLICT', 'This statement was already deleted', { field: 'statementId' });
    }
    await lockBankAccount(tx, statement.bankAccountId);
    const latest = await lastStatement(tx, statement.bankAccountId);
    if (latest?.id !== statement.id) {
      throw new DomainError(
        'STATEMENT_NOT_LATEST',
        `Statement ${statement.seq} (${statement.periodStart} – ${statement.periodEnd}) is not the latest of its account: the next one's opening balance follows it; delete statement ${latest?.seq} first`,
        { field: 'statementId', latestStatementId: latest?.id ?? null },
      );
    }
    const matched = await matchedLineCount(tx, statement.id);
    if (matched > 0) {
      throw new DomainError(
        'STATEMENT_MATCHED',
        `${matched} line(s) of this statement are matched: unmatch them before deleting it`,
        { field: 'statementId', matchedLines: matched },
      );
    }
    const row = await markStatementDeleted(tx, statement.id, books.actor.userId ?? null, reason);
    const bank = await toModel(books, (await bankAccountOf(tx, statement.bankAccountId))!);
    const f = (m: bigint) => formatMoney(m, bank.minorUnits);
    await recordAuditEvent(tx, actor, {
      action: 'bank_statement.deleted',
      entityType: 'BankStatement',
      entityId: statement.id,
      before: {
        sequence: statement.seq,
        format: statement.format,
        periodStart: statement.periodStart,
        periodEnd: statement.periodEnd,
        openingBalance: f(statement.openingBalanceMinor),
        closingBalance: f(statement.closingBalanceMinor),
        digest: statement.digest,
      },
      after: { deleted: true },
      reason,
    });
    return { ...row, currency: bank.currency, minorUnits: bank.minorUnits };
  });
}
