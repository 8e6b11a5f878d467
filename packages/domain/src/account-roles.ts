import { DomainError } from './errors.ts';
import type { AccountRole, AccountType } from './templates/panama.ts';

/**
 * What an account must be to carry a role (issue 18, `bindAccountRole`). The engine finds accounts
 * by role, so the role, not the code or name, decides where entries land: a role on an account of
 * the wrong type would put, say, the receivable among liabilities and its balance on the wrong
 * side of the balance sheet.
 */
export const ROLE_ACCOUNT_TYPES: Readonly<Record<AccountRole, readonly AccountType[]>> = {
  DefaultAR: ['ASSET'],
  DefaultAP: ['LIABILITY'],
  Cash: ['ASSET'],
  SalesTaxPayable: ['LIABILITY'],
  PurchaseTaxReceivable: ['ASSET'],
  RetainedEarnings: ['EQUITY'],
  FxVarianceBankFees: ['EXPENSE', 'INCOME'],
  RealizedFxGain: ['INCOME'],
  RealizedFxLoss: ['EXPENSE'],
  Rounding: ['EXPENSE', 'INCOME'],
  BankFees: ['EXPENSE'],
  BadDebt: ['EXPENSE'],
  SmallDifferences: ['EXPENSE', 'INCOME'],
};

/**
 * The control roles: each account bound to one is the total of a subledger (receivable, payable,
 * the tax of documents), so it carries no other role and moves only while it has no open item.
 */
export const CONTROL_ROLES = ['DefaultAR', 'DefaultAP', 'SalesTaxPayable', 'PurchaseTaxReceivable'] as const;
export type ControlRole = (typeof CONTROL_ROLES)[number];

export const isControlRole = (role: AccountRole): role is ControlRole =>
  (CONTROL_ROLES as readonly string[]).includes(role);

/** What the database knows of an account a role is to be bound to. */
export interface RoleTarget {
  code: string;
  type: AccountType;
  /** The roles the account carries now (without the one being bound). */
  otherRoles: readonly AccountRole[];
  /** True when some party's (or no party's) balance on the account is not zero. */
  hasOpenItems: boolean;
}

/**
 * Refuses a binding that would break the role's invariant; `current` is the account the role is
 * bound to now (undefined when unbound), with its open items.
 */
export function checkRoleBinding(
  role: AccountRole,
  target: RoleTarget,
  current: { code: string; hasOpenItems: boolean } | undefined,
): void {
  const types = ROLE_ACCOUNT_TYPES[role];
  if (!types.includes(target.type)) {
    throw new DomainError(
      'ROLE_ACCOUNT_TYPE_MISMATCH',
      `accountCode: ${role} needs an account of type ${types.join(' or ')}; ${target.code} is ${target.type}`,
      { field: 'accountCode', value: target.code, role, allowedTypes: [...types] },
    );
  }
  const controlOther = target.otherRoles.filter(isControlRole);
  if ((isControlRole(role) && target.otherRoles.length > 0) || controlOther.length > 0) {
    throw new DomainError(
      'ROLE_ACCOUNT_CONFLICT',
      `accountCode: ${target.code} carries ${target.otherRoles.join(', ')}; a control role shares its account with no other role`,
      { field: 'accountCode', value: target.code, role, roles: [...target.otherRoles] },
    );
  }
  if (!isControlRole(role)) return;
  if (current?.hasOpenItems) {
    throw new DomainError(
      'ROLE_HAS_OPEN_ITEMS',
      `role: ${role} stays on ${current.code} while it has open items (a party's balance on it is not zero)`,
      { field: 'role', role, accountCode: current.code },
    );
  }
  if (target.hasOpenItems) {
    throw new DomainError(
      'ACCOUNT_HAS_BALANCE',
      `accountCode: ${target.code} carries a balance; a control account starts empty so that it equals its subledger`,
      { field: 'accountCode', value: target.code, role },
    );
  }
}
