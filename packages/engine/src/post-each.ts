import { randomUUID } from 'node:crypto';
import { type Actor, tenant } from '@cifra/db';
import { assertBalancedSigned, idempotencyKeyReused } from '@cifra/domain';
import { inArray } from 'drizzle-orm';
import { entryHash } from './entry-hash.ts';
import { type HeldPeriods, holdPeriodsAndKeys, type Period } from './held-periods.ts';
import { postEntriesAs } from './post-entries-as.ts';
import {
  type NewEntry,
  type NewLine,
  type PostedEntry,
  type PostingRequest,
  periodRefusal,
  SYSTEM_USER,
  storedHashes,
  type TenantTx,
} from './posting-engine.ts';
import { reversalRefusals } from './reversal-window.ts';

/** One posting of a group commit: its own author and request. */
export interface OwnPosting {
  actor: Actor;
  request: PostingRequest;
  /**
   * Its idempotency hash (`idempotencyHashOf`), when its caller made it already — while it waited
   * for the database, say; else it is made here.
   */
  hash?: string;
}

/**
 * What became of one posting: posted (or answered as a retry of an earlier one), refused with its
 * own error, or left to be run alone after the others (`undefined`).
 */
export type EachOutcome = { ok: true; value: PostedEntry } | { ok: false; error: unknown } | undefined;

/**
 * Independent postings by different authors in one transaction, in a constant number of statements
 * (group commit, docs/architecture/posting.md): each is checked on its own — idempotency key,
 * balance, period, the books' start, an accrual's reversal date — and refused alone with the error
 * `postEntry` would give it; the others are posted together, numbered in the order given, each with
 * its own author on its entry, its audit event and its number's history version.
 *
 * A posting whose key another posting of the same call uses first is left undefined (the caller runs
 * it alone afterwards, when the first one's fate is known). A failure of the common statements
 * (a database refusal no check above foresaw, a key a concurrent writer committed first) throws:
 * the caller rolls the call back and runs each posting alone, so one bad posting still fails only
 * itself. `asked`: the periods and keys the caller already asked for on this transaction
 * (`holdPeriodsAndKeys`), so that the database works on them while the caller prepares these.
 */
export async function postEntriesEach(
  tx: TenantTx,
  postings: readonly OwnPosting[],
  asked?: Promise<HeldPeriods>,
): Promise<EachOutcome[]> {
  return (await sendEntriesEach(tx, postings, asked)).written;
}

/** A posting's entry as it will stand once its group's call has answered: known before it does. */
export type EntryAhead = Pick<PostedEntry, 'id' | 'fiscalYear'>;

/** The call writing a group's entries, sent (`sendEntriesEach`). */
export interface EntriesSent {
  /**
   * Each posting's entry, known as soon as the call is sent: the one it posts, or the one a retry is
   * answered with; none for a posting refused or left to run alone. Every one is written by the
   * call, or the call fails (`written` rejects).
   */
  ahead: (EntryAhead | undefined)[];
  /** The outcomes, `postEntriesEach`'s, once the call has answered. */
  written: Promise<EachOutcome[]>;
}

/**
 * `postEntriesEach`, answering as soon as its call is sent, before the database has written the
 * entries: the caller prepares what it writes next in the light of `ahead` while the database
 * works, and sends it once `written` has answered (docs/architecture/posting.md, "Group commit";
 * nothing else may be sent on the transaction meanwhile: a query asked while another runs is
 * deprecated in `pg`). `written` never rejects unhandled: whoever awaits it sees the failure.
 */
export async function sendEntriesEach(
  tx: TenantTx,
  postings: readonly OwnPosting[],
  asked?: Promise<HeldPeriods>,
): Promise<EntriesSent> {
  const outcomes: EachOutcome[] = postings.map(() => undefined);
  const hashes = postings.map((p) => (p.request.idempotencyKey ? (p.hash ?? entryHash(p.request)) : null));

  // One round trip: the periods' gates and the periods, and which keys were used before — or the
  // caller's, asked earlier on this transaction, which must cover every date and key here.
  const dates = postings.map((p) => p.request.postingDate);
  const keys = [
    ...new Set(postings.flatMap((p) => (p.request.idempotencyKey ? [p.request.idempotencyKey] : []))),
  ];
  const held = await (asked ?? holdPeriodsAndKeys(tx, dates, keys));
  if (!dates.every((d) => held.asked.dates.has(d)) || !keys.every((k) => held.asked.keys.has(k))) {
    throw new Error('postEntriesEach: the periods and keys held do not cover these postings');
  }
  const candidates = await answerRetries(tx, postings, hashes, held.taken, outcomes);
  const reversals = await reversalRefusals(
    tx,
    candidates.map((i) => (postings[i] as OwnPosting).request),
  );
  const fresh = candidates.filter((i, n) => {
    const req = (postings[i] as OwnPosting).request;
    const refusal = periodRefusal(held.periods.get(req.postingDate), req, held.booksStart) ?? reversals[n];
    if (refusal) outcomes[i] = { ok: false, error: refusal };
    return !refusal;
  });
  const entries: NewEntry[] = fresh.map((i) => {
    const { actor, request: req } = postings[i] as OwnPosting;
    const period = held.periods.get(req.postingDate) as Period;
    return {
      id: randomUUID(),
      number: '', // taken by cifra_post_entries_as, in this order
      fiscalYear: period.fiscalYear,
      periodId: period.id,
      postingDate: req.postingDate,
      sourceKind: req.kind,
      sourceId: req.sourceId ?? null,
      memo: req.memo,
      idempotencyKey: req.idempotencyKey ?? null,
      idempotencyHash: hashes[i] ?? null,
      reversesEntryId: req.reversesEntryId ?? null,
      autoReverse: req.autoReverse ?? false,
      reverseOn: req.reverseOn ?? null,
      postedBy: actor.userId ?? SYSTEM_USER,
    };
  });
  const ahead: (EntryAhead | undefined)[] = outcomes.map((o) => (o?.ok ? o.value : undefined));
  fresh.forEach((i, n) => {
    ahead[i] = entries[n];
  });
  const written =
    fresh.length === 0 ? Promise.resolve(outcomes) : writeFresh(tx, postings, fresh, entries, outcomes);
  written.catch(() => undefined);
  return { ahead, written };
}

/** The fresh postings' entries (`entries`, in the order of `fresh`) written by one call; their outcomes added. */
async function writeFresh(
  tx: TenantTx,
  postings: readonly OwnPosting[],
  fresh: readonly number[],
  entries: readonly NewEntry[],
  outcomes: EachOutcome[],
): Promise<EachOutcome[]> {
  const lines: NewLine[] = fresh.flatMap((i, n) =>
    (postings[i] as OwnPosting).request.lines.map((l, k) => ({
      entryId: entries[n]?.id as string,
      lineNumber: k + 1,
      accountId: l.accountId,
      postingDate: (postings[i] as OwnPosting).request.postingDate,
      amountMinor: l.amountMinor,
      originalCurrency: l.originalCurrency,
      originalAmountMinor: l.originalAmountMinor,
      partyId: l.partyId ?? null,
      memo: l.memo ?? '',
      exchangeRateId: l.exchangeRateId ?? null,
      rateIsFallback: l.rateIsFallback ?? false,
    })),
  );
  const byId = await postEntriesAs(
    tx,
    fresh.map((i, n) => ({ ...(postings[i] as OwnPosting), entry: entries[n] as NewEntry })),
    lines,
  );
  fresh.forEach((i, n) => {
    outcomes[i] = { ok: true, value: byId.get(entries[n]?.id as string) as PostedEntry };
  });
  return outcomes;
}

/**
 * Idempotency and balance, posting by posting: a key used before (`taken`) answers its entry, or
 * refuses a different payload; an unbalanced entry is refused. Returns the postings left to post.
 * A posting whose key another posting of the call uses first stays undefined (run alone after it).
 */
async function answerRetries(
  tx: TenantTx,
  postings: readonly OwnPosting[],
  hashes: readonly (string | null)[],
  taken: readonly string[],
  outcomes: EachOutcome[],
): Promise<number[]> {
  const existing = new Map<string, PostedEntry>();
  if (taken.length > 0) {
    const rows = await tx
      .select()
      .from(tenant.journalEntries)
      .where(inArray(tenant.journalEntries.idempotencyKey, [...taken]));
    for (const row of rows) existing.set(row.idempotencyKey as string, row);
  }
  const stored = await storedHashes(tx, existing);
  const claimed = new Set<string>();
  const candidates: number[] = [];
  postings.forEach(({ request: req }, i) => {
    const key = req.idempotencyKey;
    const first = key ? existing.get(key) : undefined;
    if (key && first) {
      outcomes[i] =
        stored.get(key) === hashes[i]
          ? { ok: true, value: first }
          : {
              ok: false,
              error: idempotencyKeyReused(key, first.createdAt, { entryId: first.id, number: first.number }),
            };
      return;
    }
    if (key && claimed.has(key)) return; // run alone, after the first with this key
    if (key) claimed.add(key);
    try {
      assertBalancedSigned(req.lines);
      candidates.push(i);
    } catch (error) {
      outcomes[i] = { ok: false, error };
    }
  });
  return candidates;
}
