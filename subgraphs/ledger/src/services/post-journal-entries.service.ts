import type { Actor, TenantDb } from '@cifra/db';
import { inTransaction, tenant } from '@cifra/db';
import { assertBalancedEntry, badInput, DomainError, parseIsoDate, parseMoney } from '@cifra/domain';
import { type Company, type PostedEntry, type PostingRequest, postEntries } from '@cifra/engine';
import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import { postJournalEntryInput } from './post-journal-entry.service.ts';

/** One import call posts at most this many entries (one transaction, a constant number of statements). */
export const MAX_ENTRIES_PER_CALL = 10_000;

export const postJournalEntriesInput = z
  .array(postJournalEntryInput)
  .min(1, 'Give at least one entry')
  .max(MAX_ENTRIES_PER_CALL, `At most ${MAX_ENTRIES_PER_CALL} entries per call`);

const UNIQUE_VIOLATION = '23505';

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
  const input = postJournalEntriesInput.parse(raw);
  const codes = [...new Set(input.flatMap((e) => e.lines.map((l) => l.accountCode)))];
  const accounts = await db.select().from(tenant.accounts).where(inArray(tenant.accounts.code, codes));
  const byCode = new Map(accounts.map((a) => [a.code, a]));

  const requests: PostingRequest[] = input.map((entry, index) => {
    try {
      const postingDate = parseIsoDate(entry.postingDate, 'postingDate');
      const lines = entry.lines.map((line, i) => {
        const field = `lines[${i}]`;
        const account = byCode.get(line.accountCode);
        if (!account)
          throw badInput(`${field}: no account with code ${line.accountCode}`, {
            field: `${field}.accountCode`,
          });
        if (!account.active)
          throw badInput(`${field}: account ${line.accountCode} is inactive`, {
            field: `${field}.accountCode`,
          });
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
        autoReverse: (entry as { autoReverse?: boolean | null }).autoReverse ?? false,
        lines,
      };
    } catch (err) {
      throw at(index, err);
    }
  });

  const post = () => inTransaction(db, actor, (tx) => postEntries(tx, actor, requests));
  try {
    return await post();
  } catch (err) {
    // A concurrent call took one of the keys first: the retry answers those entries as retries.
    if ((err as { code?: string }).code === UNIQUE_VIOLATION && requests.some((r) => r.idempotencyKey)) {
      return post();
    }
    throw err;
  }
}
