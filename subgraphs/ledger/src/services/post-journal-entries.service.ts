import type { Actor, TenantDb } from '@cifra/db';
import { Constraints, inTransaction, isUniqueViolation } from '@cifra/db';
import { assertBalancedEntry, DomainError, parseInput, parseIsoDate } from '@cifra/domain';
import { type Company, type PostedEntry, type PostingRequest, postEntries } from '@cifra/engine';
import { z } from 'zod';
import { checkManualControlLines } from './control-accounts.ts';
import { loadAccountsByCode, toPostingLines } from './manual-lines.ts';
import { postJournalEntryInput } from './post-journal-entry.service.ts';
import { parseReversal } from './reverse-on.ts';

/** One import call posts at most this many entries (one transaction, a constant number of statements). */
export const MAX_ENTRIES_PER_CALL = 10_000;

export const postJournalEntriesInput = z
  .array(postJournalEntryInput)
  .min(1, 'Give at least one entry')
  .max(MAX_ENTRIES_PER_CALL, `At most ${MAX_ENTRIES_PER_CALL} entries per call`);

/** A refusal about one entry of the batch names it: `input[3].lines[1].debit`. */
function at(index: number, err: unknown): unknown {
  if (err instanceof DomainError) {
    const field = typeof err.details.field === 'string' ? `input[${index}].${err.details.field}` : undefined;
    return new DomainError(err.code, `input[${index}]: ${err.message}`, {
      ...err.details,
      index,
      ...(field ? { field } : {}),
    });
  }
  return err;
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
  const input = parseInput(postJournalEntriesInput, raw, 'input');
  const byCode = await loadAccountsByCode(
    db,
    input.flatMap((e) => e.lines.map((l) => l.accountCode)),
  );

  const requests: PostingRequest[] = input.map((entry, index) => {
    try {
      const postingDate = parseIsoDate(entry.postingDate, 'postingDate');
      const lines = toPostingLines(byCode, company, entry.lines);
      assertBalancedEntry(
        lines.map((l) => ({
          debitMinor: l.amountMinor > 0n ? l.amountMinor : 0n,
          creditMinor: l.amountMinor < 0n ? -l.amountMinor : 0n,
        })),
      );
      return {
        kind: 'MANUAL' as const,
        postingDate,
        memo: entry.memo ?? '',
        idempotencyKey: entry.idempotencyKey ?? null,
        ...parseReversal(postingDate, entry),
        lines,
      };
    } catch (err) {
      throw at(index, err);
    }
  });

  // Control accounts need a party on every manual line, checked over the whole batch at once.
  const fields = requests.flatMap((r, i) => r.lines.map((_, j) => `input[${i}].lines[${j}]`));
  await checkManualControlLines(
    db,
    requests.flatMap((r) => r.lines),
    (k) => fields[k] ?? `input.lines[${k}]`,
  );

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
    // A refused key names the entry of the batch that reused it.
    if (err instanceof DomainError && err.code === 'IDEMPOTENCY_KEY_REUSED') {
      const index = requests.findIndex((r) => r.idempotencyKey === err.details.idempotencyKey);
      if (index >= 0) throw at(index, err);
    }
    throw err;
  }
}
