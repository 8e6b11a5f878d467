import { badInput, daysBetween, type IsoDate } from '@cifra/domain';
import { type Books, inBooksSnapshot } from '../services/books.ts';
import { requireBankAccount } from './accounts.ts';
import { bookBalance, unmatchedBookLines } from './books-store.ts';
import type {
  BankBookLineModel,
  BankMatchSuggestionModel,
  BankReconciliationModel,
  BankStatementLineModel,
  BankStatementModel,
} from './models.ts';
import { firstStatementStart, statementBalance, unmatchedStatementLines } from './store.ts';

/**
 * The reconciliation of one bank account on `asOf` (see the `BankReconciliation` type), its balances
 * and unmatched lines read in one snapshot, so that its difference is that of one moment's books.
 */
export function bankReconciliation(
  books: Books,
  accountCode: string,
  asOf: IsoDate,
): Promise<BankReconciliationModel> {
  return inBooksSnapshot(books, (snapshot) => reconciliationOf(snapshot, accountCode, asOf));
}

async function reconciliationOf(
  books: Books,
  accountCode: string,
  asOf: IsoDate,
): Promise<BankReconciliationModel> {
  const bank = await requireBankAccount(books, accountCode);
  // One after another: the snapshot is one connection (pg queues a second statement; pg 9 refuses).
  const book = await bookBalance(books.db, bank.accountId, asOf);
  const stated = await statementBalance(books.db, bank.accountId, asOf);
  const from = await firstStatementStart(books.db, bank.accountId);
  const bankLines = await unmatchedStatementLines(books.db, bank.accountId, asOf);
  const bookLines = from ? await unmatchedBookLines(books.db, bank.accountId, { from, asOf }) : [];
  const withUnits = { minorUnits: bank.minorUnits };
  return {
    bankAccount: bank,
    asOf,
    currency: bank.currency,
    minorUnits: bank.minorUnits,
    bookBalanceMinor: book,
    statementBalanceMinor: stated?.balance ?? null,
    unmatchedStatementLines: bankLines.map((l) => ({
      ...l,
      matchId: null,
      bankAccountId: bank.accountId,
      ...withUnits,
    })),
    unmatchedBookLines: bookLines.map((l) => ({ ...l, ...withUnits })),
  };
}

export function differenceOf(r: BankReconciliationModel): bigint | null {
  if (r.statementBalanceMinor === null) return null;
  const sum = (xs: readonly { amountMinor: bigint }[]) => xs.reduce((s, x) => s + x.amountMinor, 0n);
  return (
    r.statementBalanceMinor + sum(r.unmatchedBookLines) - r.bookBalanceMinor - sum(r.unmatchedStatementLines)
  );
}

export function isReconciled(r: BankReconciliationModel): boolean {
  return r.unmatchedStatementLines.length === 0 && differenceOf(r) === 0n;
}

/** A statement is reconciled when the reconciliation on its last day is. */
export async function statementReconciled(
  books: Books,
  s: BankStatementModel,
  accountCode: string,
): Promise<boolean> {
  return isReconciled(await bankReconciliation(books, accountCode, s.periodEnd));
}

const words = (text: string) =>
  new Set(
    text
      .toLocaleLowerCase('es')
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length >= 3),
  );

function scoreOf(line: BankStatementLineModel, book: BankBookLineModel) {
  const reasons: BankMatchSuggestionModel['reasons'] = ['AMOUNT'];
  let score = 1;
  const days = Math.abs(daysBetween(line.bookingDate, book.postingDate));
  if (days === 0) {
    reasons.push('SAME_DATE');
    score += 2;
  } else if (days <= 3) score += 1;
  const haystack = `${book.entryNumber} ${book.memo}`.toLocaleLowerCase('es');
  if (
    line.reference &&
    line.reference.length >= 3 &&
    haystack.includes(line.reference.toLocaleLowerCase('es'))
  ) {
    reasons.push('REFERENCE');
    score += 3;
  }
  if (line.counterparty && book.partyName) {
    const a = words(line.counterparty);
    if ([...words(book.partyName)].some((w) => a.has(w))) {
      reasons.push('PARTY');
      score += 2;
    }
  }
  return { score, reasons, days };
}

/**
 * One-to-one suggestions: every unmatched statement line against every unmatched GL line of the
 * same amount within the window, best pairs first, each line of either side used once.
 */
export async function suggestMatches(
  books: Books,
  accountCode: string,
  windowDays: number,
): Promise<BankMatchSuggestionModel[]> {
  if (!Number.isInteger(windowDays) || windowDays < 0 || windowDays > 60) {
    throw badInput('windowDays: 0 to 60', { field: 'windowDays' });
  }
  const far = '9999-12-31';
  const r = await bankReconciliation(books, accountCode, far);
  const byAmount = new Map<bigint, BankBookLineModel[]>();
  for (const b of r.unmatchedBookLines)
    byAmount.set(b.amountMinor, [...(byAmount.get(b.amountMinor) ?? []), b]);
  const candidates: (BankMatchSuggestionModel & { days: number })[] = [];
  for (const line of r.unmatchedStatementLines) {
    for (const book of byAmount.get(line.amountMinor) ?? []) {
      const s = scoreOf(line, book);
      if (s.days <= windowDays) candidates.push({ statementLine: line, bookLine: book, ...s });
    }
  }
  candidates.sort(
    (a, b) =>
      b.score - a.score ||
      a.days - b.days ||
      (a.statementLine.bookingDate < b.statementLine.bookingDate ? -1 : 1) ||
      a.statementLine.lineNumber - b.statementLine.lineNumber,
  );
  const usedLines = new Set<string>();
  const usedBook = new Set<bigint>();
  const out: BankMatchSuggestionModel[] = [];
  for (const c of candidates) {
    if (usedLines.has(c.statementLine.id) || usedBook.has(c.bookLine.id)) continue;
    usedLines.add(c.statementLine.id);
    usedBook.add(c.bookLine.id);
    out.push({ statementLine: c.statementLine, bookLine: c.bookLine, score: c.score, reasons: c.reasons });
  }
  return out;
}
