import type { Actor, TenantDb } from '@cifra/db';
import { Constraints, inTransaction, isUniqueViolation } from '@cifra/db';
import { assertBalancedSigned, DomainError, parseInput, parseIsoDate } from '@cifra/domain';
import {
  type Company,
  type PostedEntry,
  type PostingRequest,
  postEntries,
  refusedRequestOf,
} from '@cifra/engine';
import { z } from 'zod';
import { manualControlLinesCheck } from './control-accounts.ts';
import { type AccountsByCode, controlsOf, loadAccountsByCode, toPostingLines } from './manual-lines.ts';
import { type PostJournalEntryInput, postJournalEntryInput } from './post-journal-entry.service.ts';
import { parseReversal } from './reverse-on.ts';

/** One import call posts at most this many entries (one transaction, a constant number of statements). */
export const MAX_ENTRIES_PER_CALL = 10_000;

/** The list itself; each entry is parsed on its own, so that a refusal names it. */
const entriesInput = z
  .array(z.unknown())
  .min(1, 'Give at least one entry')
  .max(MAX_ENTRIES_PER_CALL, `At most ${MAX_ENTRIES_PER_CALL} entries per call`);

/**
 * A refusal about one entry of the batch names it: `index`, and `field` prefixed with the entry's
 * place in the list (`input[3].lines[1].debit`), the entry's own member when the refusal names none
 * (`input[3].lines` for an unbalanced entry). Every refusal of one entry goes through here: its
 * parse and checks (`inEntry`) and the engine's (`refusedRequestOf`).
 */
function at(index: number, err: unknown, field?: string): unknown {
  if (!(err instanceof DomainError)) return err;
  const own = typeof err.details.field === 'string' ? err.details.field : field;
  return new DomainError(err.code, `input[${index}]: ${err.message}`, {
    ...err.details,
    index,
    ...(own ? { field: `input[${index}].${own}` } : {}),
  });
}

/** Run one entry's parse or check; a refusal names the entry. */
function inEntry<T>(index: number, check: () => T, field?: string): T {
  try {
    return check();
  } catch (err) {
    throw at(index, err, field);
  }
}

/**
 * Manual journal entries posted together for imports: every entry is parsed and checked first,
 * then all are posted in one transaction through the engine's bulk path, or none is. An entry
 * whose idempotency key was used before is answered with the entry first posted under it.
 */
export async function postJournalEntries(
  db: TenantDb,
  company: Company,
  actor: Actor,
  raw: unknown,
): Promise<PostedEntry[]> {
  const input = parseInput(entriesInput, raw, 'input').map((entry, index) =>
    inEntry(index, () => parseInput(postJournalEntryInput, entry)),
  );
  const byCode = await loadAccountsByCode(
    db,
    input.flatMap((e) => e.lines.map((l) => l.accountCode)),
  );
  const requests = input.map((entry, index) => {
    const request = inEntry(index, () => manualRequest(byCode, company, entry));
    inEntry(index, () => assertBalancedSigned(request.lines), 'lines');
    return request;
  });

  // Control accounts need a party on every manual line: the parties read once for the whole batch.
  const checkControlLines = await manualControlLinesCheck(
    db,
    requests.flatMap((r) => r.lines),
    controlsOf(byCode),
  );
  for (const [index, request] of requests.entries()) inEntry(index, () => checkControlLines(request.lines));

  const post = () => inTransaction(db, actor, (tx) => postEntries(tx, actor, requests));
  try {
    try {
      return await post();
    } catch (err) {
      // A concurrent call took one of the keys first (its commit made our insert fail): the
      // retry finds those entries and answers them as retries, or refuses a reused key.
      if (isUniqueViolation(err, Constraints.journalEntryIdempotencyKey)) return await post();
      throw err;
    }
  } catch (err) {
    // The engine's refusal of one entry (its period, the books' start, its key) names it.
    const refused = refusedRequestOf(err);
    throw refused ? at(refused.index, err, refused.field) : err;
  }
}

function manualRequest(
  byCode: AccountsByCode,
  company: Company,
  entry: PostJournalEntryInput,
): PostingRequest {
  const postingDate = parseIsoDate(entry.postingDate, 'postingDate');
  const lines = toPostingLines(byCode, company, entry.lines);
  return {
    kind: 'MANUAL' as const,
    postingDate,
    memo: entry.memo ?? '',
    idempotencyKey: entry.idempotencyKey ?? null,
    ...parseReversal(postingDate, entry),
    lines,
  };
}
