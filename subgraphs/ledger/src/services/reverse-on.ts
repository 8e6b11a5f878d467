import { badInput, type IsoDate, parseIsoDate } from '@cifra/domain';

/**
 * A manual entry's reversal options, checked: `reverseOn` implies `autoReverse` (an explicit false
 * beside a date is refused) and falls after the entry's own date. Without a date the entry reverses
 * on the first day of the next month (the engine's scheduled-reversals.ts).
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
