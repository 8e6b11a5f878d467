import type { TenantDb } from '@cifra/db';
import { badInput, type IsoDate, parseIsoDate } from '@cifra/domain';
import { booksLastDay, reversalRefusal } from '@cifra/engine';

/**
 * A manual entry's reversal options, checked: `reverseOn` implies `autoReverse` (an explicit false
 * beside a date is refused) and falls after the entry's own date. Without a date the entry reverses
 * on the first day of the next month (the engine's scheduled-reversals.ts). How far ahead a date
 * may fall is the books' to say: the engine checks it as the entry posts (reversal-window.ts).
 */
export function parseReversal(
  postingDate: IsoDate,
  input: { autoReverse?: boolean | null; reverseOn?: string | null },
): { autoReverse: boolean; reverseOn: IsoDate | null } {
  if (!input.reverseOn) return { autoReverse: input.autoReverse ?? false, reverseOn: null };
  const reverseOn = parseIsoDate(input.reverseOn, 'reverseOn');
  if (input.autoReverse === false) {
    throw badInput('reverseOn is given but autoReverse is false: drop one of them', { field: 'reverseOn' });
  }
  if (reverseOn <= postingDate) {
    throw badInput(`reverseOn ${reverseOn} must fall after the entry's date ${postingDate}`, {
      field: 'reverseOn',
      value: reverseOn,
    });
  }
  return { autoReverse: true, reverseOn };
}

/**
 * As parseReversal, for a draft: its chosen date must also be one its posting could take — on or
 * before the last day of the fiscal year after the books' last (`reversalRefusal`, which the engine
 * applies again when the draft is approved), so no draft is kept that nobody could approve.
 */
export async function parseDraftReversal(
  db: TenantDb,
  postingDate: IsoDate,
  input: { autoReverse?: boolean | null; reverseOn?: string | null },
): Promise<{ autoReverse: boolean; reverseOn: IsoDate | null }> {
  const reversal = parseReversal(postingDate, input);
  if (reversal.reverseOn) {
    const refusal = reversalRefusal(reversal.reverseOn, await booksLastDay(db));
    if (refusal) throw refusal;
  }
  return reversal;
}
