import { badInput, DomainError } from './errors.ts';

/** One side of a journal line in base-currency minor units; exactly one of debit and credit is non-zero. */
export interface LineAmounts {
  debitMinor: bigint;
  creditMinor: bigint;
}

/**
 * The invariants every entry must satisfy before it may reach the GL: at least two lines, each a
 * positive amount on exactly one side, and debits equal to credits to the minor unit.
 */
export function assertBalancedEntry(lines: readonly LineAmounts[]): { totalMinor: bigint } {
  if (lines.length < 2) throw badInput('A journal entry needs at least two lines');
  let debit = 0n;
  let credit = 0n;
  lines.forEach((line, i) => {
    const { debitMinor: d, creditMinor: c } = line;
    if (d < 0n || c < 0n) throw badInput(`Line ${i + 1}: amounts cannot be negative`, { line: i + 1 });
    if ((d === 0n) === (c === 0n)) {
      throw badInput(`Line ${i + 1}: give either a debit or a credit, not both or neither`, { line: i + 1 });
    }
    debit += d;
    credit += c;
  });
  if (debit !== credit) {
    throw new DomainError('UNBALANCED_ENTRY', 'Debits and credits differ', {
      totalDebitMinor: debit.toString(),
      totalCreditMinor: credit.toString(),
    });
  }
  return { totalMinor: debit };
}

/**
 * `assertBalancedEntry` for lines of signed amounts in minor units, as the engine carries them
 * (a debit positive, a credit negative).
 */
export function assertBalancedSigned(lines: readonly { amountMinor: bigint }[]): { totalMinor: bigint } {
  return assertBalancedEntry(
    lines.map((l) => ({
      debitMinor: l.amountMinor > 0n ? l.amountMinor : 0n,
      creditMinor: l.amountMinor < 0n ? -l.amountMinor : 0n,
    })),
  );
}
