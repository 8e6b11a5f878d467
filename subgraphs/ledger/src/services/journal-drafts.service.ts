import type { Actor, TenantDb } from '@cifra/db';
import { inTransaction, recordAuditEvent, tenant } from '@cifra/db';
import { DomainError, parseInput, parseIsoDate } from '@cifra/domain';
import { type Company, type PostedEntry, postEntry, type TenantTx } from '@cifra/engine';
import { and, asc, eq, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import { manualLinesInput, parseManualLines } from './manual-lines.ts';
import { parseDraftReversal } from './reverse-on.ts';

export const journalEntryDraftInput = z.object({
  postingDate: z.string(),
  memo: z.string().max(1000).nullish(),
  autoReverse: z.boolean().nullish(),
  reverseOn: z.string().nullish(),
  lines: manualLinesInput,
});
export type JournalEntryDraftInput = z.infer<typeof journalEntryDraftInput>;
export type JournalDraft = typeof tenant.journalDrafts.$inferSelect;

async function parseDraft(db: TenantDb, company: Company, raw: JournalEntryDraftInput) {
  const input = parseInput(journalEntryDraftInput, raw);
  const postingDate = parseIsoDate(input.postingDate, 'postingDate');
  return {
    postingDate,
    memo: input.memo ?? '',
    ...(await parseDraftReversal(db, postingDate, input)),
    lines: await parseManualLines(db, company, input.lines),
  };
}

type ParsedDraft = Awaited<ReturnType<typeof parseDraft>>;

async function writeLines(tx: TenantTx, draftId: string, draft: ParsedDraft) {
  await tx.delete(tenant.journalDraftLines).where(eq(tenant.journalDraftLines.draftId, draftId));
  await tx.insert(tenant.journalDraftLines).values(
    draft.lines.map((l, i) => ({
      draftId,
      lineNumber: i + 1,
      accountId: l.accountId,
      amountMinor: l.amountMinor,
      memo: l.memo ?? '',
      partyId: l.partyId ?? null,
    })),
  );
}

const summary = (d: ParsedDraft) => ({
  postingDate: d.postingDate,
  memo: d.memo,
  autoReverse: d.autoReverse,
  reverseOn: d.reverseOn,
  lines: d.lines.length,
  debitMinor: d.lines.reduce((s, l) => (l.amountMinor > 0n ? s + l.amountMinor : s), 0n),
});

/** Lock a draft for a change and insist that it is still a draft. */
async function lockDraft(tx: TenantTx, id: string): Promise<JournalDraft> {
  const [draft] = await tx
    .select()
    .from(tenant.journalDrafts)
    .where(eq(tenant.journalDrafts.id, id))
    .for('update');
  if (!draft) throw new DomainError('NOT_FOUND', `No journal-entry draft ${id}`, { id });
  if (draft.status !== 'DRAFT') {
    throw new DomainError('NOT_EDITABLE', `The draft is ${draft.status} and can no longer change`, {
      id,
      status: draft.status,
    });
  }
  return draft;
}

export async function createJournalEntryDraft(
  db: TenantDb,
  company: Company,
  actor: Actor,
  raw: JournalEntryDraftInput,
): Promise<JournalDraft> {
  const parsed = await parseDraft(db, company, raw);
  return inTransaction(db, actor, async (tx) => {
    const [draft] = await tx
      .insert(tenant.journalDrafts)
      .values({
        postingDate: parsed.postingDate,
        memo: parsed.memo,
        autoReverse: parsed.autoReverse,
        reverseOn: parsed.reverseOn,
        createdBy: actor.userId as string,
        createdByEmail: actor.email,
      })
      .returning();
    if (!draft) throw new Error('draft insert returned nothing');
    await writeLines(tx, draft.id, parsed);
    await recordAuditEvent(tx, actor, {
      action: 'journal_draft.created',
      entityType: 'JournalEntryDraft',
      entityId: draft.id,
      after: summary(parsed),
    });
    return draft;
  });
}

export async function updateJournalEntryDraft(
  db: TenantDb,
  company: Company,
  actor: Actor,
  id: string,
  raw: JournalEntryDraftInput,
): Promise<JournalDraft> {
  const parsed = await parseDraft(db, company, raw);
  return inTransaction(db, actor, async (tx) => {
    const before = await lockDraft(tx, id);
    const [draft] = await tx
      .update(tenant.journalDrafts)
      .set({
        postingDate: parsed.postingDate,
        memo: parsed.memo,
        autoReverse: parsed.autoReverse,
        reverseOn: parsed.reverseOn,
        updatedAt: new Date(),
      })
      .where(eq(tenant.journalDrafts.id, id))
      .returning();
    await writeLines(tx, id, parsed);
    await recordAuditEvent(tx, actor, {
      action: 'journal_draft.updated',
      entityType: 'JournalEntryDraft',
      entityId: id,
      before: { postingDate: before.postingDate, memo: before.memo, autoReverse: before.autoReverse },
      after: summary(parsed),
    });
    return draft as JournalDraft;
  });
}

export async function discardJournalEntryDraft(
  db: TenantDb,
  actor: Actor,
  id: string,
): Promise<JournalDraft> {
  return inTransaction(db, actor, async (tx) => {
    await lockDraft(tx, id);
    const [draft] = await tx
      .update(tenant.journalDrafts)
      .set({ status: 'DISCARDED', updatedAt: new Date() })
      .where(eq(tenant.journalDrafts.id, id))
      .returning();
    await recordAuditEvent(tx, actor, {
      action: 'journal_draft.discarded',
      entityType: 'JournalEntryDraft',
      entityId: id,
      before: { status: 'DRAFT' },
      after: { status: 'DISCARDED' },
    });
    return draft as JournalDraft;
  });
}

/**
 * Everyone who changed a draft after its creator, from the audit trail (append-only: its
 * `journal_draft.updated` events are the record of who wrote each version).
 */
async function draftEditors(tx: TenantTx, id: string): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ actorId: tenant.auditEvents.actorId })
    .from(tenant.auditEvents)
    .where(
      and(
        eq(tenant.auditEvents.entityType, 'JournalEntryDraft'),
        eq(tenant.auditEvents.entityId, id),
        eq(tenant.auditEvents.action, 'journal_draft.updated'),
        isNotNull(tenant.auditEvents.actorId),
      ),
    );
  return rows.map((r) => r.actorId as string).sort();
}

/**
 * The checker's half of maker-checker: post a draft written by someone else — neither its creator
 * nor anyone who changed it since, or the checker would approve lines they wrote themselves. The
 * draft row is locked, so two approvers cannot post it twice, and no change lands meanwhile; a
 * refused posting rolls back and leaves it a draft.
 */
export async function approveJournalEntry(
  db: TenantDb,
  company: Company,
  actor: Actor,
  id: string,
): Promise<PostedEntry> {
  return inTransaction(db, actor, async (tx) => {
    const draft = await lockDraft(tx, id);
    if (draft.createdBy === actor.userId) {
      throw new DomainError('SELF_APPROVAL', 'A draft must be approved by someone other than its author', {
        id,
        createdBy: draft.createdBy,
      });
    }
    const editedBy = await draftEditors(tx, id);
    if (actor.userId && editedBy.includes(actor.userId)) {
      throw new DomainError(
        'SELF_APPROVAL',
        'A draft must be approved by someone other than those who wrote it: you changed this one',
        { id, createdBy: draft.createdBy, editedBy },
      );
    }
    const lines = await tx
      .select()
      .from(tenant.journalDraftLines)
      .where(eq(tenant.journalDraftLines.draftId, id))
      .orderBy(asc(tenant.journalDraftLines.lineNumber));
    const entry = await postEntry(tx, actor, {
      kind: 'MANUAL',
      postingDate: draft.postingDate,
      memo: draft.memo,
      sourceId: draft.id,
      autoReverse: draft.autoReverse,
      reverseOn: draft.reverseOn,
      lines: lines.map((l) => ({
        accountId: l.accountId,
        amountMinor: l.amountMinor,
        originalCurrency: company.baseCurrency,
        originalAmountMinor: l.amountMinor,
        memo: l.memo,
        partyId: l.partyId,
      })),
    });
    await tx
      .update(tenant.journalDrafts)
      .set({ status: 'POSTED', entryId: entry.id, approvedBy: actor.userId, updatedAt: new Date() })
      .where(eq(tenant.journalDrafts.id, id));
    await recordAuditEvent(tx, actor, {
      action: 'journal_draft.approved',
      entityType: 'JournalEntryDraft',
      entityId: id,
      before: { status: 'DRAFT', createdBy: draft.createdBy, editedBy },
      after: { status: 'POSTED', entryId: entry.id, number: entry.number },
    });
    return entry;
  });
}
