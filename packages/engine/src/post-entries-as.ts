import type { Actor } from '@cifra/db';
import { sql } from 'drizzle-orm';
import type { NewEntry, NewLine, PostedEntry, PostingRequest, TenantTx } from './posting-engine.ts';

/** One entry of a group commit, ready to write: its author, its request, its row (number to take). */
export interface EntryToPost {
  actor: Actor;
  request: PostingRequest;
  entry: NewEntry;
}

/** The `after` of an entry's `journal_entry.posted` event; the database adds its number. */
function postedAfter({ request: req }: EntryToPost): string {
  return JSON.stringify({
    postingDate: req.postingDate,
    kind: req.kind,
    lines: req.lines.length,
    memo: req.memo,
    ...(req.reversesEntryId ? { reverses: req.reversesEntryId } : {}),
  });
}

/**
 * The entries of a group, numbered in the order given, with their lines and their events, in one
 * round trip (cifra_post_entries_as, tenant migration 0037): each number taken by its own UPDATE
 * under its own author, each event with its own author. Returns the entries as stored, by id.
 */
export async function postEntriesAs(
  tx: TenantTx,
  posts: readonly EntryToPost[],
  lines: readonly NewLine[],
): Promise<Map<string, PostedEntry>> {
  if (posts.length === 0) return new Map();
  const e = (f: (e: NewEntry) => unknown) => sql.param(posts.map((p) => f(p.entry)));
  const l = (f: (l: NewLine) => unknown) => sql.param(lines.map(f));
  const a = (f: (a: Actor) => unknown) => sql.param(posts.map((p) => f(p.actor)));
  const { rows } = await tx.execute<{
    id: string;
    number: string;
    actual_posting_date: string;
    created_at: string;
  }>(
    sql`SELECT id, number, actual_posting_date, created_at FROM cifra_post_entries_as(
      ${e((x) => x.id)}::uuid[], ${e((x) => x.fiscalYear)}::int[], ${e((x) => x.periodId)}::uuid[],
      ${e((x) => x.postingDate)}::date[], ${e((x) => x.sourceKind)}::source_kind[], ${e((x) => x.sourceId)}::uuid[],
      ${e((x) => x.memo)}::text[], ${e((x) => x.idempotencyKey)}::text[], ${e((x) => x.idempotencyHash)}::text[],
      ${e((x) => x.reversesEntryId)}::uuid[], ${e((x) => x.autoReverse)}::boolean[], ${e((x) => x.reverseOn)}::date[],
      ${e((x) => x.postedBy)}::uuid[],
      ${l((x) => x.entryId)}::uuid[], ${l((x) => x.lineNumber)}::smallint[], ${l((x) => x.accountId)}::uuid[],
      ${l((x) => x.postingDate)}::date[], ${l((x) => String(x.amountMinor))}::bigint[],
      ${l((x) => x.originalCurrency)}::char(3)[], ${l((x) => String(x.originalAmountMinor))}::bigint[],
      ${l((x) => x.partyId ?? null)}::uuid[], ${l((x) => x.memo ?? '')}::text[],
      ${l((x) => (x.exchangeRateId == null ? null : String(x.exchangeRateId)))}::bigint[],
      ${l((x) => x.rateIsFallback ?? false)}::boolean[],
      ${a((x) => x.userId)}::text[], ${a((x) => x.email)}::text[], ${a((x) => x.reason ?? null)}::text[],
      ${a((x) => x.requestId ?? null)}::text[], ${a((x) => x.clientName ?? null)}::text[],
      ${a((x) => x.clientVersion ?? null)}::text[], ${sql.param(posts.map(postedAfter))}::jsonb[])`,
  );
  const stamped = new Map(rows.map((r) => [r.id, r]));
  return new Map(
    posts.map(({ entry }) => {
      const row = stamped.get(entry.id);
      if (!row) throw new Error(`journal entry ${entry.id} was not stored`);
      return [
        entry.id,
        {
          ...entry,
          number: row.number,
          actualPostingDate: new Date(row.actual_posting_date),
          createdAt: new Date(row.created_at),
        },
      ];
    }),
  );
}
