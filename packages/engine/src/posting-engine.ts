import { type Actor, recordAuditEvent, type TenantDb, type TxOf, tenant } from '@cifra/db';
import {
  assertBalancedEntry,
  DomainError,
  type IsoDate,
  periodAcceptsPosting,
  type SourceKind,
} from '@cifra/domain';
import { and, eq, gte, lte, sql } from 'drizzle-orm';

export type TenantTx = TxOf<TenantDb>;

/** One GL line as the engine receives it: base-currency amount signed (debit +, credit −). */
export interface PostingLine {
  accountId: string;
  amountMinor: bigint;
  /** The document's own currency and amount (same sign); the base currency for base documents. */
  originalCurrency: string;
  originalAmountMinor: bigint;
  memo?: string;
}

export interface PostingRequest {
  kind: SourceKind;
  postingDate: IsoDate;
  memo: string;
  idempotencyKey?: string | null;
  sourceId?: string | null;
  reversesEntryId?: string | null;
  lines: readonly PostingLine[];
}

export type PostedEntry = typeof tenant.journalEntries.$inferSelect;

const ENTRY_SEQUENCE = 'JE';

/**
 * The only door to the general ledger. Every document kind posts through here, inside the
 * caller's transaction, so the entry, its lines, its number and its audit event commit together:
 *  - the period covering the posting date must exist and accept this kind of document (the row is
 *    held FOR SHARE, so a concurrent lock waits for this posting or this posting sees the lock);
 *  - the lines balance to the minor unit (checked here, and again by the database);
 *  - the entry takes the next gapless number of its fiscal year under a row lock, so a rolled-back
 *    posting returns its number with it and nothing is ever skipped or reused.
 */
export async function postEntry(tx: TenantTx, actor: Actor, req: PostingRequest): Promise<PostedEntry> {
  if (req.idempotencyKey) {
    const [existing] = await tx
      .select()
      .from(tenant.journalEntries)
      .where(eq(tenant.journalEntries.idempotencyKey, req.idempotencyKey));
    if (existing) return existing;
  }

  assertBalancedEntry(
    req.lines.map((l) => ({
      debitMinor: l.amountMinor > 0n ? l.amountMinor : 0n,
      creditMinor: l.amountMinor < 0n ? -l.amountMinor : 0n,
    })),
  );

  const [period] = await tx
    .select()
    .from(tenant.postingPeriods)
    .where(
      and(
        lte(tenant.postingPeriods.startDate, req.postingDate),
        gte(tenant.postingPeriods.endDate, req.postingDate),
      ),
    )
    .for('share');
  if (!period) {
    throw new DomainError('PERIOD_NOT_FOUND', `No posting period covers ${req.postingDate}`, {
      postingDate: req.postingDate,
    });
  }
  if (!periodAcceptsPosting(period.state, req.kind)) {
    const label = `${period.year}-${String(period.month).padStart(2, '0')}`;
    throw new DomainError(
      'PERIOD_LOCKED',
      `Period ${label} is ${period.state}: it does not accept ${req.kind} postings`,
      { periodId: period.id, period: label, state: period.state, sourceKind: req.kind },
    );
  }

  const number = await nextNumber(tx, ENTRY_SEQUENCE, period.fiscalYear);
  const [entry] = await tx
    .insert(tenant.journalEntries)
    .values({
      number,
      fiscalYear: period.fiscalYear,
      periodId: period.id,
      postingDate: req.postingDate,
      sourceKind: req.kind,
      sourceId: req.sourceId ?? null,
      memo: req.memo,
      idempotencyKey: req.idempotencyKey ?? null,
      reversesEntryId: req.reversesEntryId ?? null,
      postedBy: actor.userId ?? '00000000-0000-0000-0000-000000000000',
    })
    .returning();
  if (!entry) throw new Error('journal entry insert returned nothing');
  await tx.insert(tenant.glLines).values(
    req.lines.map((l, i) => ({
      entryId: entry.id,
      lineNumber: i + 1,
      accountId: l.accountId,
      postingDate: req.postingDate,
      amountMinor: l.amountMinor,
      originalCurrency: l.originalCurrency,
      originalAmountMinor: l.originalAmountMinor,
      memo: l.memo ?? '',
    })),
  );
  await recordAuditEvent(tx, actor, {
    action: 'journal_entry.posted',
    entityType: 'JournalEntry',
    entityId: entry.id,
    after: { number, postingDate: req.postingDate, kind: req.kind, lines: req.lines.length, memo: req.memo },
  });
  return entry;
}

/** Take the next number of a gapless sequence (`JE-2026-000001`), creating the sequence on first use. */
export async function nextNumber(tx: TenantTx, documentType: string, fiscalYear: number): Promise<string> {
  await tx
    .insert(tenant.numberSequences)
    .values({ documentType, fiscalYear, prefix: documentType })
    .onConflictDoNothing();
  const [row] = await tx
    .update(tenant.numberSequences)
    .set({ nextValue: sql`${tenant.numberSequences.nextValue} + 1` })
    .where(
      and(
        eq(tenant.numberSequences.documentType, documentType),
        eq(tenant.numberSequences.fiscalYear, fiscalYear),
      ),
    )
    .returning({
      taken: sql<number>`${tenant.numberSequences.nextValue} - 1`,
      prefix: tenant.numberSequences.prefix,
    });
  if (!row) throw new Error(`number sequence ${documentType}/${fiscalYear} vanished`);
  return `${row.prefix}-${fiscalYear}-${String(row.taken).padStart(6, '0')}`;
}
