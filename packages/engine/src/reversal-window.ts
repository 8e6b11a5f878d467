import { tenant } from '@cifra/db';
import { badInput, type DomainError, type IsoDate, lastReversalDay } from '@cifra/domain';
import { max } from 'drizzle-orm';
import type { PostingRequest, TenantTx } from './posting-engine.ts';

/**
 * How far ahead an accrual may reverse (docs/architecture/posting.md, "Recurring and reversing
 * entries"): its chosen `reverseOn` falls on or before the last day of the fiscal year after the
 * books' last (`lastReversalDay`). Periods are only ever added, so a date this accepts stays
 * acceptable: the check needs no gate, and is made as the accrual is posted (and as it is drafted).
 * The database refuses any other writer the same (trigger `journal_entries_reverse_on_reach`,
 * tenant migration 0050).
 */

/** The books' last day: their last period's end, or null while they have none. */
export async function booksLastDay(db: Pick<TenantTx, 'select'>): Promise<IsoDate | null> {
  const [row] = await db.select({ endDate: max(tenant.postingPeriods.endDate) }).from(tenant.postingPeriods);
  return row?.endDate ?? null;
}

/** Why `reverseOn` may not be an accrual's reversal date (BAD_USER_INPUT naming `field`), or null. */
export function reversalRefusal(
  reverseOn: IsoDate | null | undefined,
  booksLast: IsoDate | null,
  field = 'reverseOn',
): DomainError | null {
  if (!reverseOn || !booksLast) return null;
  const lastDay = lastReversalDay(booksLast);
  if (reverseOn <= lastDay) return null;
  return badInput(
    `${field}: ${reverseOn} is after ${lastDay}, the last day of the fiscal year after the books' last (${booksLast}): no period could take the reversal; choose a day by then, or this one once the books reach the year before it`,
    { field, value: reverseOn, lastReversalDay: lastDay, booksLastDay: booksLast },
  );
}

/**
 * Each request's refusal for a chosen reversal date past the books' reach (null: none), reading
 * the books' last day only when a request chose a date.
 */
export async function reversalRefusals(
  tx: Pick<TenantTx, 'select'>,
  requests: readonly Pick<PostingRequest, 'reverseOn'>[],
): Promise<(DomainError | null)[]> {
  if (!requests.some((r) => r.reverseOn)) return requests.map(() => null);
  const last = await booksLastDay(tx);
  return requests.map((r) => reversalRefusal(r.reverseOn, last));
}
