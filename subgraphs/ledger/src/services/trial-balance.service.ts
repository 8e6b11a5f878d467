import { inReadSnapshot, type TenantDb } from '@cifra/db';
import type { IsoDate } from '@cifra/domain';
import { type AccountBalance, balancesAsOf } from './account-balances.service.ts';

export type TrialBalanceRow = AccountBalance;

/**
 * Every account with a non-zero balance at the end of `asOf`, from the per-period balances
 * (O(accounts × periods)); with `asAt`, as the books stood at that instant. Its periods and their
 * balances are read in one snapshot.
 */
export function trialBalance(db: TenantDb, asOf: IsoDate, asAt?: Date | null): Promise<TrialBalanceRow[]> {
  return inReadSnapshot(db, (snapshot) => balancesAsOf(snapshot, asOf, { asAt }));
}
