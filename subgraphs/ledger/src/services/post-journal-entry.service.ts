import type { Actor, TenantDb } from '@cifra/db';
import { inTransaction, tenant } from '@cifra/db';
import { parseIsoDate } from '@cifra/domain';
import { type Company, type PostedEntry, postEntry } from '@cifra/engine';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { checkManualControlLines } from './control-accounts.ts';
import { manualLinesInput, parseManualLines } from './manual-lines.ts';

export const postJournalEntryInput = z.object({
  postingDate: z.string(),
  memo: z.string().max(1000).nullish(),
  idempotencyKey: z.string().min(1).max(200).nullish(),
  autoReverse: z.boolean().nullish(),
  lines: manualLinesInput,
});
export type PostJournalEntryInput = z.infer<typeof postJournalEntryInput>;

const UNIQUE_VIOLATION = '23505';

/**
 * A manual journal entry, posted in one step. Input is parsed completely (money in the client's
 * base currency, accounts by code) before anything is written; the engine does the rest.
 */
export async function postJournalEntry(
  db: TenantDb,
  company: Company,
  actor: Actor,
  raw: PostJournalEntryInput,
): Promise<PostedEntry> {
  const input = postJournalEntryInput.parse(raw);
  const postingDate = parseIsoDate(input.postingDate, 'postingDate');
  const lines = await parseManualLines(db, company, input.lines);
  await checkManualControlLines(db, lines);
  const request = {
    kind: 'MANUAL' as const,
    postingDate,
    memo: input.memo ?? '',
    idempotencyKey: input.idempotencyKey ?? null,
    autoReverse: input.autoReverse ?? false,
    lines,
  };
  try {
    return await inTransaction(db, actor, (tx) => postEntry(tx, actor, request));
  } catch (err) {
    // Two retries racing with one key: the loser's insert hits the unique index; answer as a retry.
    if (input.idempotencyKey && (err as { code?: string }).code === UNIQUE_VIOLATION) {
      const [first] = await db
        .select()
        .from(tenant.journalEntries)
        .where(eq(tenant.journalEntries.idempotencyKey, input.idempotencyKey));
      if (first) return first;
    }
    throw err;
  }
}
