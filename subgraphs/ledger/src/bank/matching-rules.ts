import { inTransaction, recordAuditEvent } from '@cifra/db';
import { badInput, DomainError, isUuid } from '@cifra/domain';
import type { Books } from '../services/books.ts';
import { requireBankAccount } from './accounts.ts';
import { insertRule, lockRule, setRuleActive } from './match-store.ts';
import type { BankRuleModel } from './models.ts';
import { accountByCode } from './store.ts';

/** Saved matching rules: created, deactivated and reactivated (never deleted: the audit trail names them). */

export async function createBankRule(
  books: Books,
  input: { pattern: string; accountCode: string; bankAccountCode?: string | null },
): Promise<BankRuleModel> {
  const pattern = input.pattern.trim();
  if (!pattern || pattern.length > 200)
    throw badInput('input.pattern: 1 to 200 characters', { field: 'input.pattern' });
  const account = await accountByCode(books.db, input.accountCode, 'input.accountCode');
  const bank = input.bankAccountCode
    ? await requireBankAccount(books, input.bankAccountCode, 'input.bankAccountCode')
    : null;
  return inTransaction(books.db, books.actor, async (tx) => {
    const rule = await insertRule(tx, {
      bankAccountId: bank?.accountId ?? null,
      pattern,
      accountId: account.id,
      createdBy: books.actor.userId ?? null,
    });
    await recordAuditEvent(tx, books.actor, {
      action: 'bank_rule.created',
      entityType: 'BankRule',
      entityId: rule.id,
      after: { pattern, accountCode: account.code, bankAccountCode: input.bankAccountCode ?? null },
    });
    return rule;
  });
}

/**
 * Deactivate (`active` false) or reactivate a rule, audited. An inactive rule suggests no account
 * and no longer picks the account of an entry created from a line; listing shows it, inactive.
 * Asking for the state it already has is refused (CONFLICT), as undoing a match twice is.
 */
export async function setBankRuleActive(
  books: Books,
  ruleId: string,
  active: boolean,
): Promise<BankRuleModel> {
  const notFound = () =>
    new DomainError('NOT_FOUND', `No bank rule ${ruleId.slice(0, 60)}`, { field: 'ruleId' });
  if (!isUuid(ruleId)) throw notFound();
  return inTransaction(books.db, books.actor, async (tx) => {
    const rule = await lockRule(tx, ruleId);
    if (!rule) throw notFound();
    if (rule.active === active) {
      throw new DomainError('CONFLICT', `This rule is already ${active ? 'active' : 'inactive'}`, {
        field: 'ruleId',
      });
    }
    const row = await setRuleActive(tx, ruleId, active);
    await recordAuditEvent(tx, books.actor, {
      action: active ? 'bank_rule.reactivated' : 'bank_rule.deactivated',
      entityType: 'BankRule',
      entityId: ruleId,
      before: { active: rule.active, pattern: rule.pattern },
      after: { active },
    });
    return row;
  });
}
