import { Constraints, inTransaction, isUniqueViolation } from '@cifra/db';
import { badInput, type Decimal, DomainError, idempotencyKeyReused, translateAtRate } from '@cifra/domain';
import { type PostingLine, postEntry, type TenantTx } from '@cifra/engine';
import { clientFxOf, rateForDocument } from '@cifra/fx';
import type { Books } from '../services/books.ts';
import { checkManualControlLines } from '../services/control-accounts.ts';
import { decideDocumentRate } from '../services/exchange-rate.ts';
import { entryLinesOn } from './books-store.ts';
import { matchIn } from './match.ts';
import { createdMatchOf, rulesFor } from './match-store.ts';
import type { BankMatchModel } from './models.ts';
import { accountByCode, bankAccountOf, statementLinesByIds } from './store.ts';

/** The account of the first saved active rule whose pattern the description contains (case-insensitive). */
export async function ruleAccountFor(
  db: Books['db'],
  bankAccountId: string,
  description: string,
): Promise<string | null> {
  const text = description.toLocaleLowerCase('es');
  const rule = (await rulesFor(db, bankAccountId)).find((r) =>
    text.includes(r.pattern.toLocaleLowerCase('es')),
  );
  return rule?.accountId ?? null;
}

export interface CreateEntryInput {
  statementLineId: string;
  accountCode?: string | null;
  memo?: string | null;
  /** Base-currency units per unit of the bank account's currency, as on documents. */
  exchangeRate?: string | null;
  /** A retry with the same key and the same line, account, memo and rate answers the first match. */
  idempotencyKey?: string | null;
}

type Line = Awaited<ReturnType<typeof statementLinesByIds>>[number];

/** The other side of the entry: the account chosen, or the one a saved rule suggests. */
async function otherAccount(books: Books, line: Line, accountCode: string | null | undefined) {
  const accountId = accountCode
    ? (await accountByCode(books.db, accountCode, 'input.accountCode')).id
    : await ruleAccountFor(books.db, line.bankAccountId, line.description);
  if (!accountId) {
    throw badInput('input.accountCode: no saved rule fits this line: choose the account', {
      field: 'input.accountCode',
    });
  }
  if (accountId === line.bankAccountId) {
    throw badInput('input.accountCode: the other side cannot be the bank account itself', {
      field: 'input.accountCode',
    });
  }
  return accountId;
}

interface Translation {
  currency: string;
  /** Null for a base-currency bank account. */
  explicit: Decimal | null;
}

/**
 * The entry's two lines, both in the bank account's currency with the statement line's amount as
 * the original amount. A foreign currency is translated to base at the rate of the line's date,
 * through the same resolution a document's posting uses (`rateForDocument`: the peg, the rate
 * typed, or the rate in force with its fallback flag), and both lines cite that rate's row.
 */
async function entryLines(
  tx: TenantTx,
  books: Books,
  line: Line,
  otherId: string,
  t: Translation,
): Promise<PostingLine[]> {
  const { baseMinorUnits } = books.company;
  const base = books.company.baseCurrency.trim();
  let baseMinor = line.amountMinor;
  let fx: Pick<PostingLine, 'exchangeRateId' | 'rateIsFallback'> = {};
  if (t.currency !== base) {
    const used = await rateForDocument(tx, clientFxOf(books.company), {
      currency: t.currency,
      documentDate: line.bookingDate,
      stalenessDays: (await books.settings()).fxStalenessDays,
      explicit: t.explicit,
      actor: books.actor,
      documentLabel: `bank statement line ${line.id}`,
      field: 'input.exchangeRate',
    });
    baseMinor = translateAtRate(
      line.amountMinor,
      used.rate,
      await books.minorUnits(t.currency),
      baseMinorUnits,
    );
    if (baseMinor === 0n) {
      throw badInput(`input.statementLineId: the line's amount is nothing in ${base} at the rate used`, {
        field: 'input.statementLineId',
      });
    }
    fx = { exchangeRateId: used.exchangeRateId, rateIsFallback: used.isFallback };
  }
  const side = (accountId: string, sign: bigint): PostingLine => ({
    accountId,
    amountMinor: sign * baseMinor,
    originalCurrency: t.currency,
    originalAmountMinor: sign * line.amountMinor,
    ...fx,
  });
  return [side(line.bankAccountId, 1n), side(otherId, -1n)];
}

/** The key was first sent for another statement line, whose entry this line's would be. */
function keyUsedForAnotherLine(key: string, first: { id: string; createdAt: Date; statementLineId: string }) {
  return idempotencyKeyReused(key, first.createdAt, {
    field: 'input.idempotencyKey',
    matchId: first.id,
    statementLineId: first.statementLineId,
  });
}

/**
 * Post an entry for a statement line the books lack and match it to the line, in one
 * transaction: the bank account against the chosen (or ruled) account, dated the line's date, in
 * the bank account's currency. The engine keeps the period gate and records the entry. With an
 * idempotency key (kept on the entry as `bank-line:<key>`), a retry of the same request answers the
 * match first made, writing nothing; the same key for another entry, or for another statement line
 * (two identical lines make the same entry), is IDEMPOTENCY_KEY_REUSED.
 */
export async function createEntryFromBankLine(
  books: Books,
  input: CreateEntryInput,
): Promise<BankMatchModel> {
  const key = input.idempotencyKey;
  if (key !== undefined && key !== null && (key.length < 1 || key.length > 200))
    throw badInput('input.idempotencyKey: 1 to 200 characters', { field: 'input.idempotencyKey' });
  const [line] = await statementLinesByIds(books.db, [input.statementLineId]);
  if (!line)
    throw new DomainError('NOT_FOUND', `No statement line ${input.statementLineId}`, {
      field: 'input.statementLineId',
    });
  const currency = (await bankAccountOf(books.db, line.bankAccountId))!.currency.trim();
  const base = books.company.baseCurrency.trim();
  const given = decideDocumentRate({
    currency,
    baseCurrency: base,
    explicit: input.exchangeRate,
    field: 'input.exchangeRate',
  });
  const translation = { currency, explicit: currency === base ? null : given };
  const otherId = await otherAccount(books, line, input.accountCode);
  const memo = (input.memo ?? line.description) || `Bank statement line ${line.lineNumber}`;
  if (memo.length > 1000) throw badInput('input.memo: at most 1,000 characters', { field: 'input.memo' });
  const post = () =>
    inTransaction(books.db, books.actor, async (tx) => {
      const lines = await entryLines(tx, books, line, otherId, translation);
      await checkManualControlLines(tx, lines);
      const entry = await postEntry(tx, books.actor, {
        kind: 'MANUAL',
        postingDate: line.bookingDate,
        memo,
        idempotencyKey: key ? `bank-line:${key}` : null,
        autoReverse: false,
        lines,
      });
      const glLines = (await entryLinesOn(tx, entry.id, line.bankAccountId)).map((l) => l.id);
      // A retry: the engine answered the entry first posted, which was matched when it was posted.
      // Its hash does not name the statement line: an identical line's entry is the same entry.
      const first = key ? await createdMatchOf(tx, glLines) : undefined;
      if (first && first.statementLineId !== line.id) throw keyUsedForAnotherLine(key!, first);
      if (first) return { ...first, minorUnits: await books.minorUnits(currency) };
      return matchIn(tx, books, {
        statementLineIds: [line.id],
        glLineIds: glLines,
        kind: 'CREATED',
        field: 'input',
      });
    });
  try {
    return await post();
  } catch (err) {
    // Two requests racing with one key: the loser waited for the winner's commit on the unique key.
    // Once more finds the winner's entry and its match (or refuses the key for another entry).
    if (key && isUniqueViolation(err, Constraints.journalEntryIdempotencyKey)) return post();
    throw err;
  }
}
