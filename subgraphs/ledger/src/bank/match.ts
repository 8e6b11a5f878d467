import { inTransaction, recordAuditEvent } from '@cifra/db';
import { badInput, DomainError, formatMoney, requireReason } from '@cifra/domain';
import { postEntry, type TenantTx } from '@cifra/engine';
import type { Books } from '../services/books.ts';
import { checkManualControlLines } from '../services/control-accounts.ts';
import type { BankMatchModel } from './models.ts';
import {
  accountByCode,
  bankAccountOf,
  bookLinesByIds,
  entryLinesOn,
  insertMatch,
  lockEntriesForMatching,
  lockMatch,
  markUnmatched,
  rulesFor,
  statementLinesByIds,
  voidedOrReversal,
} from './store.ts';

const MAX_SIDE = 500;

function ids<T>(list: readonly T[], field: string): T[] {
  if (!list.length) throw badInput(`${field}: at least one`, { field });
  if (list.length > MAX_SIDE) throw badInput(`${field}: at most ${MAX_SIDE}`, { field });
  if (new Set(list.map(String)).size !== list.length)
    throw badInput(`${field}: a line is named twice`, { field });
  return [...list];
}

function glLineId(id: string, field: string): bigint {
  if (!/^\d{1,18}$/.test(id)) throw badInput(`${field}: "${id.slice(0, 40)}" is not a GL line id`, { field });
  return BigInt(id);
}

interface MatchRequest {
  statementLineIds: string[];
  glLineIds: bigint[];
  kind: 'SUGGESTED' | 'MANUAL' | 'CREATED';
  field: string;
}

/**
 * One match inside the caller's transaction: every line found, all of one bank account, the
 * sides equal to the minor unit, no entry voided (checked under the per-entry lock the void guard
 * takes); the partial unique indexes decide between two people matching a line at once.
 */
async function matchIn(tx: TenantTx, books: Books, req: MatchRequest): Promise<BankMatchModel> {
  const statementLines = await statementLinesByIds(tx, req.statementLineIds);
  if (statementLines.length !== req.statementLineIds.length) {
    const missing = req.statementLineIds.find((id) => !statementLines.some((l) => l.id === id));
    throw new DomainError('NOT_FOUND', `${req.field}: no statement line ${missing}`, { field: req.field });
  }
  const bankAccountId = statementLines[0]!.bankAccountId;
  if (statementLines.some((l) => l.bankAccountId !== bankAccountId)) {
    throw badInput(`${req.field}: the statement lines belong to different bank accounts`, {
      field: req.field,
    });
  }
  const bookLines = await bookLinesByIds(tx, req.glLineIds);
  const foreign = req.glLineIds.find(
    (id) => !bookLines.some((l) => l.id === id && l.accountId === bankAccountId),
  );
  if (foreign !== undefined) {
    throw badInput(`${req.field}: GL line ${foreign} is not a line of this bank account`, {
      field: req.field,
    });
  }
  const bank = await bankAccountOf(tx, bankAccountId);
  const minorUnits = await books.minorUnits(bank!.currency.trim());
  const bankSide = statementLines.reduce((s, l) => s + l.amountMinor, 0n);
  const bookSide = bookLines.reduce((s, l) => s + l.amountMinor, 0n);
  if (bankSide !== bookSide) {
    const f = (m: bigint) => formatMoney(m, minorUnits);
    throw new DomainError(
      'BANK_MATCH_AMOUNTS_DIFFER',
      `The statement lines sum to ${f(bankSide)} and the GL lines to ${f(bookSide)}: a match must agree exactly`,
      { statementTotal: f(bankSide), bookTotal: f(bookSide), difference: f(bankSide - bookSide) },
    );
  }
  await lockEntriesForMatching(
    tx,
    bookLines.map((l) => l.entryId),
  );
  const voided = await voidedOrReversal(
    tx,
    bookLines.map((l) => l.entryId),
  );
  if (voided.length) {
    throw new DomainError(
      'ALREADY_VOIDED',
      `${voided.join(', ')}: voided entries and their reversals are not matched`,
      {
        entries: voided,
      },
    );
  }
  const match = await insertMatch(
    tx,
    { bankAccountId, kind: req.kind, matchedBy: books.actor.userId ?? null },
    req.statementLineIds,
    req.glLineIds,
  );
  await recordAuditEvent(tx, books.actor, {
    action: 'bank_match.created',
    entityType: 'BankMatch',
    entityId: match.id,
    after: {
      kind: req.kind,
      statementLines: req.statementLineIds,
      glLines: req.glLineIds.map(String),
      amount: formatMoney(bankSide, minorUnits),
    },
  });
  return { ...match, minorUnits };
}

export async function matchBankLines(
  books: Books,
  input: { statementLineIds: readonly string[]; bookLineIds: readonly string[] },
): Promise<BankMatchModel> {
  const statementLineIds = ids(input.statementLineIds, 'input.statementLineIds');
  const glLineIds = ids(input.bookLineIds, 'input.bookLineIds').map((id) =>
    glLineId(id, 'input.bookLineIds'),
  );
  return inTransaction(books.db, books.actor, (tx) =>
    matchIn(tx, books, { statementLineIds, glLineIds, kind: 'MANUAL', field: 'input' }),
  );
}

/** Accepted suggestions: all in one transaction, so all are made or none. */
export async function acceptBankMatches(
  books: Books,
  pairs: readonly { statementLineId: string; bookLineId: string }[],
): Promise<BankMatchModel[]> {
  if (!pairs.length || pairs.length > 1_000)
    throw badInput('matches: 1 to 1,000 pairs', { field: 'matches' });
  const parsed = pairs.map((p, i) => ({
    statementLineIds: [p.statementLineId],
    glLineIds: [glLineId(p.bookLineId, `matches[${i}].bookLineId`)],
    kind: 'SUGGESTED' as const,
    field: `matches[${i}]`,
  }));
  return inTransaction(books.db, books.actor, async (tx) => {
    const out: BankMatchModel[] = [];
    for (const [i, req] of parsed.entries()) {
      try {
        out.push(await matchIn(tx, books, req));
      } catch (err) {
        if (err instanceof DomainError)
          throw new DomainError(err.code, `matches[${i}]: ${err.message}`, { ...err.details, index: i });
        throw err;
      }
    }
    return out;
  });
}

/** The account of the first saved rule whose pattern the description contains (case-insensitive). */
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

/**
 * Post an entry for a statement line the books lack and match it to the line, in one
 * transaction: the bank account against the chosen (or ruled) account, dated the line's date.
 */
export async function createEntryFromBankLine(
  books: Books,
  input: { statementLineId: string; accountCode?: string | null; memo?: string | null },
): Promise<BankMatchModel> {
  const [line] = await statementLinesByIds(books.db, [input.statementLineId]);
  if (!line)
    throw new DomainError('NOT_FOUND', `No statement line ${input.statementLineId}`, {
      field: 'input.statementLineId',
    });
  const bank = await bankAccountOf(books.db, line.bankAccountId);
  if (bank!.currency.trim() !== books.company.baseCurrency.trim()) {
    throw new DomainError(
      'CURRENCY_MISMATCH',
      `Entries are created from lines of base-currency bank accounts only; this one is in ${bank!.currency}: post the entry and match it`,
      { field: 'input.statementLineId' },
    );
  }
  const accountId = input.accountCode
    ? (await accountByCode(books.db, input.accountCode, 'input.accountCode')).id
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
  const memo = (input.memo ?? line.description) || `Bank statement line ${line.lineNumber}`;
  if (memo.length > 1000) throw badInput('input.memo: at most 1,000 characters', { field: 'input.memo' });
  const base = books.company.baseCurrency.trim();
  const lines = [
    {
      accountId: line.bankAccountId,
      amountMinor: line.amountMinor,
      originalCurrency: base,
      originalAmountMinor: line.amountMinor,
    },
    {
      accountId,
      amountMinor: -line.amountMinor,
      originalCurrency: base,
      originalAmountMinor: -line.amountMinor,
    },
  ];
  await checkManualControlLines(books.db, lines);
  return inTransaction(books.db, books.actor, async (tx) => {
    const entry = await postEntry(tx, books.actor, {
      kind: 'MANUAL',
      postingDate: line.bookingDate,
      memo,
      idempotencyKey: null,
      autoReverse: false,
      lines,
    });
    const glLines = await entryLinesOn(tx, entry.id, line.bankAccountId);
    return matchIn(tx, books, {
      statementLineIds: [line.id],
      glLineIds: glLines.map((l) => l.id),
      kind: 'CREATED',
      field: 'input',
    });
  });
}

export async function unmatchBankLines(
  books: Books,
  matchId: string,
  rawReason: string,
): Promise<BankMatchModel> {
  const reason = requireReason(rawReason);
  const actor = { ...books.actor, reason };
  return inTransaction(books.db, actor, async (tx) => {
    const match = await lockMatch(tx, matchId);
    if (!match) throw new DomainError('NOT_FOUND', `No bank match ${matchId}`, { field: 'matchId' });
    if (match.unmatchedAt)
      throw new DomainError('CONFLICT', 'This match was already undone', { field: 'matchId' });
    const row = await markUnmatched(tx, matchId, books.actor.userId ?? null, reason);
    await recordAuditEvent(tx, actor, {
      action: 'bank_match.unmatched',
      entityType: 'BankMatch',
      entityId: matchId,
      before: { active: true },
      after: { active: false },
      reason,
    });
    const bank = await bankAccountOf(tx, row.bankAccountId);
    return { ...row, minorUnits: await books.minorUnits(bank!.currency.trim()) };
  });
}
