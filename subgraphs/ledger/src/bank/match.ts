import { inTransaction, recordAuditEvent } from '@cifra/db';
import { badInput, DomainError, formatMoney, requireReason } from '@cifra/domain';
import type { TenantTx } from '@cifra/engine';
import type { Books } from '../services/books.ts';
import { bookLinesByIds, lockEntriesForMatching, voidedOrReversal } from './books-store.ts';
import { insertMatch, lockMatch, markUnmatched } from './match-store.ts';
import type { BankMatchModel } from './models.ts';
import { bankAccountOf, liveStatementLinesForMatch } from './store.ts';

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

export interface MatchRequest {
  statementLineIds: string[];
  glLineIds: bigint[];
  kind: 'SUGGESTED' | 'MANUAL' | 'CREATED';
  field: string;
}

/**
 * One match inside the caller's transaction: every line found on a live statement (share-locked
 * against its deletion), all of one bank account, the sides equal to the minor unit, no entry
 * voided (checked under the per-entry lock the void guard takes); the partial unique indexes
 * decide between two people matching a line at once.
 */
export async function matchIn(tx: TenantTx, books: Books, req: MatchRequest): Promise<BankMatchModel> {
  const statementLines = await liveStatementLinesForMatch(tx, req.statementLineIds);
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
