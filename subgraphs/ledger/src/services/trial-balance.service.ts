import type { TenantDb } from '@cifra/db';
import { tenant } from '@cifra/db';
import type { IsoDate } from '@cifra/domain';
import { asc, eq, lte, ne, sql } from 'drizzle-orm';

export interface TrialBalanceRow {
  accountCode: string;
  accountName: string;
  accountType: (typeof tenant.accountType.enumValues)[number];
  /** Net balance in base minor units: positive is a debit balance, negative a credit balance. */
  balanceMinor: bigint;
}

/** Every account with a non-zero balance at the end of `asOf`. */
export async function trialBalance(db: TenantDb, asOf: IsoDate): Promise<TrialBalanceRow[]> {
  const balance = sql<string>`sum(${tenant.glLines.amountMinor})`;
  const rows = await db
    .select({
      accountCode: tenant.accounts.code,
      accountName: tenant.accounts.name,
      accountType: tenant.accounts.type,
      balance,
    })
    .from(tenant.glLines)
    .innerJoin(tenant.accounts, eq(tenant.accounts.id, tenant.glLines.accountId))
    .where(lte(tenant.glLines.postingDate, asOf))
    .groupBy(tenant.accounts.id)
    .having(ne(balance, sql`0`))
    .orderBy(asc(tenant.accounts.code));
  return rows.map(({ balance: b, ...r }) => ({ ...r, balanceMinor: BigInt(b) }));
}
