import type { TenantDb } from '@cifra/db';
import type { IsoDate } from '@cifra/domain';
import { type AccountBalance, balancesAsOf } from './account-balances.service.ts';

export type TrialBalanceRow = AccountBalance;

/**
 * Every account with a non-zero balance at the end of `asOf`, from the per-period balances
 * (O(accounts × periods)); with `asAt`, as the books stood at that instant.
 */
export function trialBalance(db: TenantDb, asOf: IsoDate, asAt?: Date | null): Promise<TrialBalanceRow[]> {
  return balancesAsOf(db, asOf, { asAt });
}
