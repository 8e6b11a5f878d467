import type { Actor, TenantDb } from '@cifra/db';
import { inTransaction, tenant } from '@cifra/db';
import { badInput, parseIsoDate, parseMoney } from '@cifra/domain';
import { type Company, type PostedEntry, postEntry } from '@cifra/engine';
import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';

export const postJournalEntryInput = z.object({
  postingDate: z.string(),
  memo: z.string().max(1000).nullish(),
  idempotencyKey: z.string().min(1).max(200).nullish(),
  lines: z
    .array(
      z.object({
        accountCode: z.string().min(1),
        debit: z.string().nullish(),
        credit: z.string().nullish(),
        memo: z.string().max(500).nullish(),
      }),
    )
    .min(2, 'A journal entry needs at least two lines')
    .max(1000),
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
  const codes = [...new Set(input.lines.map((l) => l.accountCode))];
  const accounts = await db.select().from(tenant.accounts).where(inArray(tenant.accounts.code, codes));
  const byCode = new Map(accounts.map((a) => [a.code, a]));
  const lines = input.lines.map((line, i) => {
    const field = `lines[${i}]`;
    const account = byCode.get(line.accountCode);
    if (!account)
      throw badInput(`${field}: no account with code ${line.accountCode}`, { field: `${field}.accountCode` });
    if (!account.active)
      throw badInput(`${field}: account ${line.accountCode} is inactive`, { field: `${field}.accountCode` });
    const debit = line.debit ? parseMoney(line.debit, company.baseMinorUnits, `${field}.debit`) : 0n;
    const credit = line.credit ? parseMoney(line.credit, company.baseMinorUnits, `${field}.credit`) : 0n;
    if (debit < 0n || credit < 0n) throw badInput(`${field}: amounts cannot be negative`, { field });
    if ((debit === 0n) === (credit === 0n)) {
      throw badInput(`${field}: give either a debit or a credit, not both or neither`, { field });
    }
    const amountMinor = debit - credit;
    return {
      accountId: account.id,
      amountMinor,
      originalCurrency: company.baseCurrency,
      originalAmountMinor: amountMinor,
      memo: line.memo ?? '',
    };
  });
  const request = {
    kind: 'MANUAL' as const,
    postingDate,
    memo: input.memo ?? '',
    idempotencyKey: input.idempotencyKey ?? null,
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
