import type { Actor, TenantDb } from '@cifra/db';
import { Constraints, inPostingGroup, isUniqueViolation } from '@cifra/db';
import { parseInput, parseIsoDate } from '@cifra/domain';
import { type Company, type PostedEntry, postEntry } from '@cifra/engine';
import { z } from 'zod';
import { BOOKS_LANE } from './books-lane.ts';
import { manualLinesInput, parseManualLines } from './manual-lines.ts';
import { parseReversal } from './reverse-on.ts';

export const postJournalEntryInput = z.object({
  postingDate: z.string(),
  memo: z.string().max(1000).nullish(),
  idempotencyKey: z.string().min(1).max(200).nullish(),
  autoReverse: z.boolean().nullish(),
  reverseOn: z.string().nullish(),
  lines: manualLinesInput,
});
export type PostJournalEntryInput = z.infer<typeof postJournalEntryInput>;

/**
 * A manual journal entry, posted in one step. Input is parsed completely (money in the client's
 * base currency, accounts by code) before anything is written; the engine does the rest. Its
 * accounts are read in its group's transaction: by the books' lane with the group's other reads
 * (`stageManualEntries`), or here when it posts alone.
 */
export async function postJournalEntry(
  db: TenantDb,
  company: Company,
  actor: Actor,
  raw: PostJournalEntryInput,
): Promise<PostedEntry> {
  const input = parseInput(postJournalEntryInput, raw);
  const postingDate = parseIsoDate(input.postingDate, 'postingDate');
  const reversal = parseReversal(postingDate, input);
  const request = {
    kind: 'MANUAL' as const,
    postingDate,
    memo: input.memo ?? '',
    idempotencyKey: input.idempotencyKey ?? null,
    ...reversal,
  };
  // Committed with the other postings of this client waiting at this moment (group commit).
  const post = () =>
    inPostingGroup(
      db,
      actor,
      async (tx) =>
        postEntry(tx, actor, { ...request, lines: await parseManualLines(tx, company, input.lines) }),
      { lane: BOOKS_LANE, request: { manual: { company, lines: input.lines, request } } },
    );
  try {
    return await post();
  } catch (err) {
    // Two requests racing with one key: the loser's insert waited for the winner's commit and hit
    // the unique key. Run it again: it now finds the winner's entry and answers it as a retry (or
    // refuses the key, when the payloads differ). Once is enough: the winner has committed.
    if (input.idempotencyKey && isUniqueViolation(err, Constraints.journalEntryIdempotencyKey)) {
      return post();
    }
    throw err;
  }
}
