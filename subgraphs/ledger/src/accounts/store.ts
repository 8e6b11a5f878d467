import { markRecordedTime, tenant } from '@cifra/db';
import type { AccountRole } from '@cifra/domain';
import type { TenantTx } from '@cifra/engine';
import { asc, eq, sql } from 'drizzle-orm';

/**
 * Account maintenance's only door to the database. The use cases call these inside their own
 * transaction; `lock…` take the row lock that serialises two changes of one account or role, then
 * mark the transaction's recorded time, so the version written after the wait is stamped after
 * the one it waited for.
 */

export type AccountRow = typeof tenant.accounts.$inferSelect;
export type NewAccount = typeof tenant.accounts.$inferInsert;
type Reader = Pick<TenantTx, 'select' | 'execute'>;

const a = tenant.accounts;
const b = tenant.accountRoleBindings;

export async function insertAccount(tx: TenantTx, values: NewAccount): Promise<AccountRow> {
  const [row] = await tx.insert(a).values(values).returning();
  return row as AccountRow;
}

/** The account, locked until the transaction ends; undefined if there is none. */
export async function lockAccount(tx: TenantTx, id: string): Promise<AccountRow | undefined> {
  const [row] = await tx.select().from(a).where(eq(a.id, id)).for('update');
  await markRecordedTime(tx);
  return row;
}

export async function lockAccountByCode(tx: TenantTx, code: string): Promise<AccountRow | undefined> {
  const [row] = await tx.select().from(a).where(eq(a.code, code)).for('update');
  await markRecordedTime(tx);
  return row;
}

export async function accountById(db: Reader, id: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(a).where(eq(a.id, id));
  return row;
}

export async function updateAccountRow(
  tx: TenantTx,
  id: string,
  changes: Partial<Pick<AccountRow, 'name' | 'description' | 'active'>>,
): Promise<AccountRow> {
  const [row] = await tx.update(a).set(changes).where(eq(a.id, id)).returning();
  return row as AccountRow;
}

/** The roles bound to an account, by name. */
export async function rolesOf(db: Reader, accountId: string): Promise<AccountRole[]> {
  const rows = await db
    .select({ role: b.role })
    .from(b)
    .where(eq(b.accountId, accountId))
    .orderBy(asc(b.role));
  return rows.map((r) => r.role);
}

/** The account's balance over all its lines (debits positive), from the per-period balances. */
export async function balanceOf(db: Reader, accountId: string): Promise<bigint> {
  const [row] = await db
    .select({
      net: sql<string>`coalesce(sum(${tenant.accountPeriodBalances.debitMinor} - ${tenant.accountPeriodBalances.creditMinor}), 0)::text`,
    })
    .from(tenant.accountPeriodBalances)
    .where(eq(tenant.accountPeriodBalances.accountId, accountId));
  return BigInt(row?.net ?? '0');
}

/**
 * Whether some party's balance on the account — or the balance of its lines naming no party — is
 * not zero: an open item of the subledger the account would control.
 */
export async function hasOpenItems(db: Reader, accountId: string): Promise<boolean> {
  const result = await db.execute(sql`SELECT 1 FROM ${tenant.glLines}
     WHERE account_id = ${accountId}
     GROUP BY party_id HAVING sum(amount_minor) <> 0 LIMIT 1`);
  return result.rows.length > 0;
}

/** Drafts that would post to the account: documents (a line or the bank) and journal-entry drafts. */
export async function draftsUsing(
  db: Reader,
  accountId: string,
): Promise<{ documents: string[]; journalDrafts: string[]; recurringTemplates: string[] }> {
  const documents = await db.execute<{ id: string }>(sql`SELECT d.id FROM ${tenant.documents} d
     WHERE d.status = 'DRAFT' AND (d.bank_account_id = ${accountId}
        OR EXISTS (SELECT 1 FROM ${tenant.documentLines} l WHERE l.document_id = d.id AND l.account_id = ${accountId}))
     ORDER BY d.created_at, d.id LIMIT 20`);
  const drafts = await db.execute<{ id: string }>(sql`SELECT j.id FROM ${tenant.journalDrafts} j
     WHERE j.status = 'DRAFT'
       AND EXISTS (SELECT 1 FROM ${tenant.journalDraftLines} l WHERE l.draft_id = j.id AND l.account_id = ${accountId})
     ORDER BY j.created_at, j.id LIMIT 20`);
  // An active template would make its next occurrence on the account, and be refused then.
  const templates = await db.execute<{ id: string }>(sql`SELECT t.id FROM ${tenant.recurringTemplates} t
     WHERE t.active
       AND EXISTS (SELECT 1 FROM ${tenant.recurringTemplateLines} l WHERE l.template_id = t.id AND l.account_id = ${accountId})
     ORDER BY t.created_at, t.id LIMIT 20`);
  return {
    documents: documents.rows.map((r) => r.id),
    journalDrafts: drafts.rows.map((r) => r.id),
    recurringTemplates: templates.rows.map((r) => r.id),
  };
}

/** The role's binding, locked until the transaction ends (two binds of one role take turns). */
export async function lockBinding(
  tx: TenantTx,
  role: AccountRole,
): Promise<{ accountId: string } | undefined> {
  const [row] = await tx.select({ accountId: b.accountId }).from(b).where(eq(b.role, role)).for('update');
  await markRecordedTime(tx);
  return row;
}

/** Bind the role to the account from now on (a role unbound before gets its row). */
export async function bindRole(tx: TenantTx, role: AccountRole, accountId: string): Promise<void> {
  await tx.insert(b).values({ role, accountId }).onConflictDoUpdate({ target: b.role, set: { accountId } });
}
