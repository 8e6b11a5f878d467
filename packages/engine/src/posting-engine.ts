import { randomUUID } from 'node:crypto';
import { type Actor, recordAuditEvents, type TenantDb, type TxOf, tenant } from '@cifra/db';
import {
  assertBalancedSigned,
  badInput,
  DomainError,
  type IsoDate,
  idempotencyKeyReused,
  periodAcceptsPosting,
  type SourceKind,
} from '@cifra/domain';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { entryHash } from './entry-hash.ts';
import { holdPeriodsAndKeys, type Period } from './held-periods.ts';
import { refusing } from './refused-request.ts';
import { reversalRefusals } from './reversal-window.ts';

export type TenantTx = TxOf<TenantDb>;

/** One GL line as the engine receives it: base-currency amount signed (debit +, credit −). */
export interface PostingLine {
  accountId: string;
  amountMinor: bigint;
  /** The document's own currency and amount (same sign); the base currency for base documents. */
  originalCurrency: string;
  originalAmountMinor: bigint;
  /** The customer or vendor, on receivable and payable lines. */
  partyId?: string | null;
  memo?: string;
  /**
   * FX provenance of a line translated from another currency: the exchange_rates row used, and
   * whether that rate was older than the document's date when used. None on base-currency lines.
   */
  exchangeRateId?: bigint | null;
  rateIsFallback?: boolean;
}

export interface PostingRequest {
  kind: SourceKind;
  postingDate: IsoDate;
  memo: string;
  idempotencyKey?: string | null;
  sourceId?: string | null;
  reversesEntryId?: string | null;
  /** An accrual to reverse: on `reverseOn`, or on the first day of the next month (scheduled-reversals.ts). */
  autoReverse?: boolean;
  /** The chosen reversal date of an auto-reversing entry; after `postingDate`. */
  reverseOn?: IsoDate | null;
  lines: readonly PostingLine[];
}

export type PostedEntry = typeof tenant.journalEntries.$inferSelect;

const ENTRY_SEQUENCE = 'JE';

/**
 * The only door to the general ledger. Every document kind posts through here, inside the
 * caller's transaction, so the entry, its lines, its number and its audit event commit together:
 *  - the period covering the posting date must exist and accept this kind of document (its gate is
 *    held shared, so a concurrent transition waits for this posting or this posting sees the new
 *    state; the entry is stamped with a time taken after the gate: `holdPeriodsAndKeys`);
 *  - it is not dated before the books' start, the live opening balances' date (read after the gate:
 *    an import holds the gates of the periods before its date exclusive);
 *  - an accrual's chosen reversal date is within the books' reach (reversal-window.ts);
 *  - the lines balance to the minor unit (checked here, and again by the database);
 *  - the entry takes the next gapless number of its fiscal year under a row lock, so a rolled-back
 *    posting returns its number with it and nothing is ever skipped or reused.
 */
export async function postEntry(tx: TenantTx, actor: Actor, req: PostingRequest): Promise<PostedEntry> {
  const [entry] = await postEntries(tx, actor, [req]);
  if (!entry) throw new Error('posting returned no entry');
  return entry;
}

/**
 * Post many entries in one transaction with the same checks as `postEntry`, in a constant number
 * of statements (imports, bulk loads): all or nothing. Entries whose idempotency key was already
 * used are returned as first posted and not posted again. Results are in request order.
 */
export async function postEntries(
  tx: TenantTx,
  actor: Actor,
  requests: readonly PostingRequest[],
): Promise<PostedEntry[]> {
  // Which request has each key: two with one key are refused, naming the second.
  const indexOfKey = new Map<string, number>();
  requests.forEach((r, index) => {
    if (!r.idempotencyKey) return;
    const first = indexOfKey.get(r.idempotencyKey);
    if (first !== undefined) {
      throw refusing(
        badInput(`idempotencyKey ${r.idempotencyKey} is also the key of entry ${first} of this batch`, {
          field: 'idempotencyKey',
          idempotencyKey: r.idempotencyKey,
          firstIndex: first,
        }),
        index,
        'idempotencyKey',
      );
    }
    indexOfKey.set(r.idempotencyKey, index);
  });
  const keys = [...indexOfKey.keys()];
  const hashes = new Map(
    requests.filter((r) => r.idempotencyKey).map((r) => [r.idempotencyKey as string, entryHash(r)] as const),
  );
  const existing = new Map<string, PostedEntry>();
  if (keys.length > 0) {
    const rows = await tx
      .select()
      .from(tenant.journalEntries)
      .where(inArray(tenant.journalEntries.idempotencyKey, keys));
    for (const row of rows) existing.set(row.idempotencyKey as string, row);
    await refuseReusedKeys(tx, existing, hashes, indexOfKey);
  }
  // The requests to post, by their position among `requests` (a refusal names it).
  const positions = requests.flatMap((r, index) =>
    r.idempotencyKey && existing.has(r.idempotencyKey) ? [] : [index],
  );
  const fresh = positions.map((index) => requests[index] as PostingRequest);

  fresh.forEach((req, n) => {
    try {
      assertBalancedSigned(req.lines);
    } catch (err) {
      throw refusing(err, positions[n] as number, 'lines');
    }
  });
  const periods = await periodsFor(tx, fresh, positions);
  (await reversalRefusals(tx, fresh)).forEach((refusal, n) => {
    if (refusal) throw refusing(refusal, positions[n] as number, 'reverseOn');
  });
  const numbers = await takeNumbers(
    tx,
    fresh.map((req) => periods.get(req.postingDate)?.fiscalYear as number),
  );

  const entries = fresh.map((req, i) => {
    const period = periods.get(req.postingDate) as Period;
    return {
      id: randomUUID(),
      number: numbers[i] as string,
      fiscalYear: period.fiscalYear,
      periodId: period.id,
      postingDate: req.postingDate,
      sourceKind: req.kind,
      sourceId: req.sourceId ?? null,
      memo: req.memo,
      idempotencyKey: req.idempotencyKey ?? null,
      idempotencyHash: req.idempotencyKey ? (hashes.get(req.idempotencyKey) ?? null) : null,
      reversesEntryId: req.reversesEntryId ?? null,
      autoReverse: req.autoReverse ?? false,
      reverseOn: req.reverseOn ?? null,
      postedBy: actor.userId ?? SYSTEM_USER,
    };
  });
  const byId = await insertEntries(tx, entries);

  const lines = fresh.flatMap((req, i) =>
    req.lines.map((l, n) => ({
      entryId: entries[i]?.id as string,
      lineNumber: n + 1,
      accountId: l.accountId,
      postingDate: req.postingDate,
      amountMinor: l.amountMinor,
      originalCurrency: l.originalCurrency,
      originalAmountMinor: l.originalAmountMinor,
      partyId: l.partyId ?? null,
      memo: l.memo ?? '',
      exchangeRateId: l.exchangeRateId ?? null,
      rateIsFallback: l.rateIsFallback ?? false,
    })),
  );
  await insertLines(tx, lines);
  await recordAuditEvents(
    tx,
    actor,
    fresh.map((req, i) => ({
      action: 'journal_entry.posted',
      entityType: 'JournalEntry',
      entityId: entries[i]?.id as string,
      after: {
        number: entries[i]?.number,
        postingDate: req.postingDate,
        kind: req.kind,
        lines: req.lines.length,
        memo: req.memo,
        ...(req.reversesEntryId ? { reverses: req.reversesEntryId } : {}),
      },
    })),
  );

  let next = 0;
  return requests.map((req) => {
    const first = req.idempotencyKey ? existing.get(req.idempotencyKey) : undefined;
    if (first) return first;
    return byId.get(entries[next++]?.id as string) as PostedEntry;
  });
}

/**
 * A key already used must have been used for this very entry. Entries posted before keys were
 * bound to payloads (migration 0018) have no stored hash: they are compared on the stored entry
 * itself, which is what the hash is of.
 */
async function refuseReusedKeys(
  tx: TenantTx,
  existing: ReadonlyMap<string, PostedEntry>,
  hashes: ReadonlyMap<string, string>,
  indexOfKey: ReadonlyMap<string, number>,
): Promise<void> {
  const stored = await storedHashes(tx, existing);
  for (const [key, entry] of existing) {
    if (stored.get(key) !== hashes.get(key)) {
      throw refusing(
        idempotencyKeyReused(key, entry.createdAt, { entryId: entry.id, number: entry.number }),
        indexOfKey.get(key) as number,
        'idempotencyKey',
      );
    }
  }
}

/** The payload hash each existing entry was posted under, by key (recomputed for pre-0018 entries). */
export async function storedHashes(
  tx: TenantTx,
  existing: ReadonlyMap<string, PostedEntry>,
): Promise<Map<string, string>> {
  const unhashed = [...existing.values()].filter((e) => !e.idempotencyHash).map((e) => e.id);
  const storedLines = unhashed.length
    ? await tx
        .select()
        .from(tenant.glLines)
        .where(inArray(tenant.glLines.entryId, unhashed))
        .orderBy(tenant.glLines.entryId, tenant.glLines.lineNumber)
    : [];
  const stored = new Map<string, string>();
  for (const [key, entry] of existing) {
    stored.set(
      key,
      entry.idempotencyHash ??
        entryHash({
          kind: entry.sourceKind,
          postingDate: entry.postingDate,
          memo: entry.memo,
          sourceId: entry.sourceId,
          reversesEntryId: entry.reversesEntryId,
          autoReverse: entry.autoReverse,
          reverseOn: entry.reverseOn,
          lines: storedLines.filter((l) => l.entryId === entry.id),
        }),
    );
  }
  return stored;
}

export type NewEntry = Omit<PostedEntry, 'actualPostingDate' | 'createdAt'>;
export type NewLine = Omit<typeof tenant.glLines.$inferInsert, 'id'>;

// The bulk inserts pass one array parameter per column and unnest them: a batch of a thousand
// entries is three short statements to parse, whatever its size (no 65,535-parameter limit).

/** Insert the entries and return them as stored: the database stamps `actual_posting_date`. */
export async function insertEntries(
  tx: TenantTx,
  entries: readonly NewEntry[],
): Promise<Map<string, PostedEntry>> {
  if (entries.length === 0) return new Map();
  const column = (f: (e: NewEntry) => unknown) => sql.param(entries.map(f));
  const { rows } = await tx.execute<{ id: string; actual_posting_date: string; created_at: string }>(sql`
    INSERT INTO journal_entries (id, number, fiscal_year, period_id, posting_date, source_kind, source_id, memo,
      idempotency_key, idempotency_hash, reverses_entry_id, auto_reverse, reverse_on, posted_by)
    SELECT * FROM unnest(${column((e) => e.id)}::uuid[], ${column((e) => e.number)}::text[],
      ${column((e) => e.fiscalYear)}::int[], ${column((e) => e.periodId)}::uuid[], ${column((e) => e.postingDate)}::date[],
      ${column((e) => e.sourceKind)}::source_kind[], ${column((e) => e.sourceId)}::uuid[], ${column((e) => e.memo)}::text[],
      ${column((e) => e.idempotencyKey)}::text[], ${column((e) => e.idempotencyHash)}::text[],
      ${column((e) => e.reversesEntryId)}::uuid[],
      ${column((e) => e.autoReverse)}::boolean[], ${column((e) => e.reverseOn)}::date[],
      ${column((e) => e.postedBy)}::uuid[])
    RETURNING id, actual_posting_date, created_at`);
  const stamped = new Map(rows.map((r) => [r.id, r]));
  return new Map(
    entries.map((e) => {
      const row = stamped.get(e.id);
      if (!row) throw new Error(`journal entry ${e.id} was not stored`);
      return [
        e.id,
        { ...e, actualPostingDate: new Date(row.actual_posting_date), createdAt: new Date(row.created_at) },
      ];
    }),
  );
}

export async function insertLines(tx: TenantTx, lines: readonly NewLine[]): Promise<void> {
  if (lines.length === 0) return;
  const column = (f: (l: NewLine) => unknown) => sql.param(lines.map(f));
  await tx.execute(sql`
    INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency,
      original_amount_minor, party_id, memo, exchange_rate_id, rate_is_fallback)
    SELECT * FROM unnest(${column((l) => l.entryId)}::uuid[], ${column((l) => l.lineNumber)}::smallint[],
      ${column((l) => l.accountId)}::uuid[], ${column((l) => l.postingDate)}::date[],
      ${column((l) => String(l.amountMinor))}::bigint[], ${column((l) => l.originalCurrency)}::char(3)[],
      ${column((l) => String(l.originalAmountMinor))}::bigint[], ${column((l) => l.partyId ?? null)}::uuid[],
      ${column((l) => l.memo ?? '')}::text[],
      ${column((l) => (l.exchangeRateId == null ? null : String(l.exchangeRateId)))}::bigint[],
      ${column((l) => l.rateIsFallback ?? false)}::boolean[])`);
}

/** The id journal entries record when the system itself posts (no user). */
export const SYSTEM_USER = '00000000-0000-0000-0000-000000000000';

/**
 * The periods covering the requests' posting dates, their gates held shared (no row lock: a row
 * lock queue lets new sharers pass a waiting transition), after checking that each exists and
 * accepts the request's kind of document, and that none is dated before the books' start.
 */
async function periodsFor(
  tx: TenantTx,
  requests: readonly PostingRequest[],
  positions: readonly number[],
): Promise<Map<IsoDate, Period>> {
  // The periods' gates, shared, before reading their state and the books' start: a transition of
  // these periods (or an import making the books start after them) waits for this posting to commit,
  // and one already queued makes us wait for it, then we read what it did. Also marks the
  // transaction's recorded time, which stamps the entries.
  const held = await holdPeriodsAndKeys(
    tx,
    requests.map((r) => r.postingDate),
    [],
  );
  requests.forEach((req, n) => {
    const refusal = periodRefusal(held.periods.get(req.postingDate), req, held.booksStart);
    if (refusal) {
      const field = typeof refusal.details.field === 'string' ? refusal.details.field : 'postingDate';
      throw refusing(refusal, positions[n] as number, field);
    }
  });
  return held.periods;
}

/**
 * Why a request may not post (none, or no period covers its date), or null: its date is before
 * the books' start (the live opening balances' date, `booksStart`), no period covers it, or its
 * period does not accept its kind.
 */
export function periodRefusal(
  period: Period | undefined,
  req: Pick<PostingRequest, 'postingDate' | 'kind'>,
  booksStart: IsoDate | null,
): DomainError | null {
  if (booksStart && req.postingDate < booksStart) return beforeOpening(booksStart, req.postingDate);
  if (!period) {
    return new DomainError('PERIOD_NOT_FOUND', `No posting period covers ${req.postingDate}`, {
      postingDate: req.postingDate,
    });
  }
  if (!periodAcceptsPosting(period.state, req.kind)) {
    const label = `${period.year}-${String(period.month).padStart(2, '0')}`;
    return new DomainError(
      'PERIOD_LOCKED',
      `Period ${label} is ${period.state}: it does not accept ${req.kind} postings`,
      { periodId: period.id, period: label, state: period.state, sourceKind: req.kind },
    );
  }
  return null;
}

/** A posting dated before the live opening balances' date, named by the caller's `field`. */
export function beforeOpening(
  openingDate: IsoDate,
  postingDate: IsoDate,
  field = 'postingDate',
): DomainError {
  return new DomainError(
    'BEFORE_OPENING_BALANCES',
    `${field}: ${postingDate} is before the opening balances of ${openingDate}, where the books start: date it on or after ${openingDate}, or void the opening balances first`,
    { openingDate, postingDate, field },
  );
}

/** The next journal-entry numbers, one per fiscal year given, in order. */
async function takeNumbers(tx: TenantTx, fiscalYears: readonly number[]): Promise<string[]> {
  const counts = new Map<number, number>();
  for (const year of fiscalYears) counts.set(year, (counts.get(year) ?? 0) + 1);
  const issued = new Map<number, string[]>();
  for (const [year, count] of [...counts].sort(([a], [b]) => a - b)) {
    issued.set(year, await nextNumbers(tx, ENTRY_SEQUENCE, year, count));
  }
  return fiscalYears.map((year) => issued.get(year)?.shift() as string);
}

/** Take the next number of a gapless sequence (`JE-2026-000001`), creating the sequence on first use. */
export async function nextNumber(tx: TenantTx, documentType: string, fiscalYear: number): Promise<string> {
  const [number] = await nextNumbers(tx, documentType, fiscalYear, 1);
  return number as string;
}

/**
 * Take `count` consecutive numbers of a gapless sequence under its row lock. The prefix is the
 * client's configured one for the document type (numbering_prefixes), else the type itself.
 */
export async function nextNumbers(
  tx: TenantTx,
  documentType: string,
  fiscalYear: number,
  count: number,
): Promise<string[]> {
  const [configured] = await tx
    .select({ prefix: tenant.numberingPrefixes.prefix })
    .from(tenant.numberingPrefixes)
    .where(eq(tenant.numberingPrefixes.documentType, documentType));
  await tx
    .insert(tenant.numberSequences)
    .values({ documentType, fiscalYear, prefix: configured?.prefix ?? documentType })
    .onConflictDoNothing();
  const [row] = await tx
    .update(tenant.numberSequences)
    .set({ nextValue: sql`${tenant.numberSequences.nextValue} + ${count}` })
    .where(
      and(
        eq(tenant.numberSequences.documentType, documentType),
        eq(tenant.numberSequences.fiscalYear, fiscalYear),
      ),
    )
    .returning({
      first: sql<number>`${tenant.numberSequences.nextValue} - ${count}`,
      prefix: tenant.numberSequences.prefix,
    });
  if (!row) throw new Error(`number sequence ${documentType}/${fiscalYear} vanished`);
  const first = Number(row.first);
  return Array.from(
    { length: count },
    (_, i) => `${row.prefix}-${fiscalYear}-${String(first + i).padStart(6, '0')}`,
  );
}
