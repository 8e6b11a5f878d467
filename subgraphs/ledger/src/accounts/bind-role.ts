import { inTransaction, recordAuditEvent } from '@cifra/db';
import { type AccountRole, badInput, checkRoleBinding } from '@cifra/domain';
import type { Books } from '../services/books.ts';
import {
  type AccountRow,
  accountById,
  bindRole,
  hasOpenItems,
  lockAccountByCode,
  lockBinding,
  rolesOf,
} from './store.ts';

/**
 * Bind a role to an account from now on (issue 18 §3). The engine finds accounts by role when it
 * posts, so entries already posted keep their accounts and the next posting uses the new one:
 * nothing is restated. Refused when the role's invariant would break (`checkRoleBinding` in
 * packages/domain): an account of the wrong type, a control role sharing its account, or a control
 * role moved while its account still has open items or onto an account that carries a balance.
 *
 * Locks, in this order: the new account (so a deactivation of it waits, or is waited for), then
 * the role's binding (so two binds of one role take turns, the second judged on the first's
 * result). The binding's every version stays in account_role_bindings_history.
 */
export async function bindAccountRole(books: Books, role: AccountRole, rawCode: string): Promise<AccountRow> {
  const code = rawCode.trim();
  if (!code) throw badInput('accountCode: required', { field: 'accountCode' });
  return inTransaction(books.db, books.actor, async (tx) => {
    const target = await lockAccountByCode(tx, code);
    if (!target) throw badInput(`accountCode: no account ${code}`, { field: 'accountCode', value: code });
    if (!target.active)
      throw badInput(`accountCode: account ${code} is inactive`, { field: 'accountCode', value: code });
    const binding = await lockBinding(tx, role);
    if (binding?.accountId === target.id) return target;
    const current = binding ? await accountById(tx, binding.accountId) : undefined;
    checkRoleBinding(
      role,
      {
        code: target.code,
        type: target.type,
        otherRoles: (await rolesOf(tx, target.id)).filter((r) => r !== role),
        hasOpenItems: await hasOpenItems(tx, target.id),
      },
      current && { code: current.code, hasOpenItems: await hasOpenItems(tx, current.id) },
    );
    await bindRole(tx, role, target.id);
    await recordAuditEvent(tx, books.actor, {
      action: 'account_role.bound',
      entityType: 'AccountRoleBinding',
      entityId: role,
      before: current ? { accountId: current.id, accountCode: current.code } : null,
      after: { accountId: target.id, accountCode: target.code },
    });
    return target;
  });
}
