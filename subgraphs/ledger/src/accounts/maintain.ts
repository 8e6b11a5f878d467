import { inTransaction, recordAuditEvent } from '@cifra/db';
import { type AccountType, DomainError, parseInput } from '@cifra/domain';
import { z } from 'zod';
import { type Books, Constraints, isUniqueViolation } from '../services/books.ts';
import {
  type AccountRow,
  balanceOf,
  draftsUsing,
  insertAccount,
  lockAccount,
  rolesOf,
  updateAccountRow,
} from './store.ts';

/**
 * Account maintenance (issue 18 §3): create, rename or describe, deactivate. What matters to the
 * engine is bound by role (`bind-role.ts`), so renaming breaks nothing; the code stays, since
 * inputs, imports and integrations refer to accounts by it. Every version stays in
 * accounts_history (migration 0011's history triggers) and every change is in the audit trail.
 */

// A code is what people type and import files carry: letters, digits, dots and hyphens.
const code = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$/,
    '1 to 20 letters, digits, dots or hyphens, starting with a letter or digit',
  );
const name = z.string().trim().min(1).max(200);
const description = z.string().trim().max(2000);

export const createAccountInput = z.object({
  code,
  name,
  type: z.enum(['ASSET', 'LIABILITY', 'EQUITY', 'INCOME', 'EXPENSE']),
  description: description.nullish(),
});
export const updateAccountInput = z.object({ name: name.nullish(), description: description.nullish() });

const snapshot = (r: AccountRow) => ({
  code: r.code,
  name: r.name,
  description: r.description,
  type: r.type,
  active: r.active,
});

export async function createAccount(
  books: Books,
  raw: z.input<typeof createAccountInput>,
): Promise<AccountRow> {
  const input = parseInput(createAccountInput, raw);
  try {
    return await inTransaction(books.db, books.actor, async (tx) => {
      const row = await insertAccount(tx, {
        code: input.code,
        name: input.name,
        type: input.type as AccountType,
        description: input.description ?? '',
      });
      await recordAuditEvent(tx, books.actor, {
        action: 'account.created',
        entityType: 'Account',
        entityId: row.id,
        before: null,
        after: snapshot(row),
      });
      return row;
    });
  } catch (err) {
    // Two creates of one code at once, or a code already taken: the unique constraint decides.
    if (isUniqueViolation(err, Constraints.accountCode)) {
      throw new DomainError('ACCOUNT_CODE_TAKEN', `code: another account already has code ${input.code}`, {
        field: 'code',
        value: input.code,
      });
    }
    throw err;
  }
}

const notFound = (id: string) => new DomainError('NOT_FOUND', `No account ${id}`, { id });

export async function updateAccount(
  books: Books,
  id: string,
  raw: z.input<typeof updateAccountInput>,
): Promise<AccountRow> {
  const input = parseInput(updateAccountInput, raw);
  return inTransaction(books.db, books.actor, async (tx) => {
    // The row lock makes two renames at once take turns: each is a version of its own.
    const before = await lockAccount(tx, id);
    if (!before) throw notFound(id);
    const changes: { name?: string; description?: string } = {};
    if (input.name != null && input.name !== before.name) changes.name = input.name;
    if (input.description != null && input.description !== before.description)
      changes.description = input.description;
    if (Object.keys(changes).length === 0) return before;
    const after = await updateAccountRow(tx, id, changes);
    await recordAuditEvent(tx, books.actor, {
      action: 'account.updated',
      entityType: 'Account',
      entityId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return after;
  });
}

/**
 * Deactivate an account: kept with its history, offered for no new work (documents and manual
 * lines refuse an inactive account). Refused while it carries a balance, is bound to a role, or
 * a draft or an active recurring template would still post to it — each with its own code, checked
 * under the account's row lock.
 */
export async function deactivateAccount(books: Books, id: string): Promise<AccountRow> {
  return inTransaction(books.db, books.actor, async (tx) => {
    const before = await lockAccount(tx, id);
    if (!before) throw notFound(id);
    if (!before.active) return before;
    const roles = await rolesOf(tx, id);
    if (roles.length > 0) {
      throw new DomainError(
        'ACCOUNT_HAS_ROLE',
        `${before.code} is bound to ${roles.join(', ')}: bind the role to another account first`,
        { id, code: before.code, roles },
      );
    }
    const balance = await balanceOf(tx, id);
    if (balance !== 0n) {
      throw new DomainError('ACCOUNT_HAS_BALANCE', `${before.code} still carries a balance`, {
        id,
        code: before.code,
        balanceMinor: balance.toString(),
      });
    }
    const drafts = await draftsUsing(tx, id);
    if (drafts.documents.length + drafts.journalDrafts.length + drafts.recurringTemplates.length > 0) {
      throw new DomainError(
        'ACCOUNT_HAS_OPEN_DOCUMENTS',
        `${before.code} is still used by drafts or active recurring templates: post, edit or discard the drafts and change or deactivate the templates first`,
        { id, code: before.code, ...drafts },
      );
    }
    const after = await updateAccountRow(tx, id, { active: false });
    await recordAuditEvent(tx, books.actor, {
      action: 'account.deactivated',
      entityType: 'Account',
      entityId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return after;
  });
}
