import { type TenantDb, tenant } from '@cifra/db';
import type { IsoDate } from '@cifra/domain';
import type { PostingLine, TenantTx } from '@cifra/engine';
import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';

/** The recurring feature's only door to the database: templates, their lines, runs, their drafts. */

export type TemplateRow = typeof tenant.recurringTemplates.$inferSelect;
export type TemplateLineRow = typeof tenant.recurringTemplateLines.$inferSelect;
export type RunRow = typeof tenant.recurringRuns.$inferSelect;
type Reader = TenantDb | TenantTx;

const t = tenant.recurringTemplates;
const tl = tenant.recurringTemplateLines;
const r = tenant.recurringRuns;

export async function insertTemplate(tx: TenantTx, row: typeof t.$inferInsert): Promise<TemplateRow> {
  const [created] = await tx.insert(t).values(row).returning();
  return created as TemplateRow;
}

export async function lockTemplate(tx: TenantTx, id: string): Promise<TemplateRow | undefined> {
  const [row] = await tx.select().from(t).where(eq(t.id, id)).for('update');
  return row;
}

/**
 * The template as it stands, held FOR SHARE until the transaction ends: an occurrence made from it
 * and its end or update (`lockTemplate`, FOR UPDATE) take turns, so each occurrence is made from
 * the template (active, schedule, lines) of its own moment.
 */
export async function shareTemplate(tx: TenantTx, id: string): Promise<TemplateRow | undefined> {
  const [row] = await tx.select().from(t).where(eq(t.id, id)).for('share');
  return row;
}

export async function updateTemplateRow(
  tx: TenantTx,
  id: string,
  changes: Partial<typeof t.$inferInsert>,
): Promise<TemplateRow> {
  const [row] = await tx
    .update(t)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(t.id, id))
    .returning();
  return row as TemplateRow;
}

/** Replace a template's lines (the runs already made keep what they were made from). */
export async function writeTemplateLines(tx: TenantTx, templateId: string, lines: readonly PostingLine[]) {
  await tx.delete(tl).where(eq(tl.templateId, templateId));
  await tx.insert(tl).values(
    lines.map((l, i) => ({
      templateId,
      lineNumber: i + 1,
      accountId: l.accountId,
      amountMinor: l.amountMinor,
      memo: l.memo ?? '',
      partyId: l.partyId ?? null,
    })),
  );
}

export async function templateById(db: Reader, id: string): Promise<TemplateRow | undefined> {
  const [row] = await db.select().from(t).where(eq(t.id, id));
  return row;
}

export async function listTemplates(
  db: Reader,
  includeEnded: boolean,
  limit: number,
): Promise<TemplateRow[]> {
  return db
    .select()
    .from(t)
    .where(includeEnded ? undefined : eq(t.active, true))
    .orderBy(asc(t.name), asc(t.id))
    .limit(limit);
}

/** Active templates that started on or before `asOf`. */
export async function templatesStartedBy(db: Reader, asOf: IsoDate): Promise<TemplateRow[]> {
  return db
    .select()
    .from(t)
    .where(and(eq(t.active, true), lte(t.startDate, asOf)))
    .orderBy(asc(t.name), asc(t.id));
}

export async function templateLines(db: Reader, templateIds: readonly string[]): Promise<TemplateLineRow[]> {
  if (templateIds.length === 0) return [];
  return db
    .select()
    .from(tl)
    .where(inArray(tl.templateId, [...templateIds]))
    .orderBy(asc(tl.templateId), asc(tl.lineNumber));
}

/** Runs of the templates, newest first (at most `limit` when given). */
export async function runsOf(db: Reader, templateIds: readonly string[], limit?: number): Promise<RunRow[]> {
  if (templateIds.length === 0) return [];
  const q = db
    .select()
    .from(r)
    .where(inArray(r.templateId, [...templateIds]))
    .orderBy(desc(r.occurrenceDate));
  return limit === undefined ? q : q.limit(limit);
}

export async function runsByIds(db: Reader, ids: readonly string[]): Promise<RunRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(r)
    .where(inArray(r.id, [...ids]));
}

/**
 * Claim one occurrence: a new row, or a REFUSED one taken again. Nothing comes back when the
 * occurrence is already made (or being made by another worker, whose commit this waits for), so
 * two runs never make the same occurrence: the unique key (template, date) decides.
 */
export async function claimOccurrence(
  tx: TenantTx,
  templateId: string,
  date: IsoDate,
): Promise<string | null> {
  const { rows } = await tx.execute<{ id: string }>(sql`
    INSERT INTO recurring_runs (template_id, occurrence_date, status)
    VALUES (${templateId}, ${date}, 'PENDING')
    ON CONFLICT (template_id, occurrence_date) DO UPDATE
      SET status = 'PENDING', refusal_code = NULL, refusal_message = NULL, attempted_at = now()
      WHERE recurring_runs.status = 'REFUSED'
    RETURNING id`);
  return rows[0]?.id ?? null;
}

export async function completeRun(
  tx: TenantTx,
  id: string,
  made: { status: 'DRAFTED'; draftId: string } | { status: 'POSTED'; entryId: string },
): Promise<RunRow> {
  const [row] = await tx.update(r).set(made).where(eq(r.id, id)).returning();
  return row as RunRow;
}

/** Record a refusal, unless the occurrence was made meanwhile; returns the run as it stands. */
export async function recordRefusal(
  tx: TenantTx,
  templateId: string,
  date: IsoDate,
  refusal: { code: string; message: string },
): Promise<RunRow> {
  await tx.execute(sql`
    INSERT INTO recurring_runs (template_id, occurrence_date, status, refusal_code, refusal_message)
    VALUES (${templateId}, ${date}, 'REFUSED', ${refusal.code}, ${refusal.message})
    ON CONFLICT (template_id, occurrence_date) DO UPDATE
      SET status = 'REFUSED', refusal_code = EXCLUDED.refusal_code,
          refusal_message = EXCLUDED.refusal_message, attempted_at = now()
      WHERE recurring_runs.status IN ('REFUSED', 'PENDING')`);
  const [row] = await tx
    .select()
    .from(r)
    .where(and(eq(r.templateId, templateId), eq(r.occurrenceDate, date)));
  return row as RunRow;
}

/** The period a date falls in, or null when the books have none. */
export async function periodOn(db: Reader, date: IsoDate) {
  const p = tenant.postingPeriods;
  const [row] = await db
    .select()
    .from(p)
    .where(and(lte(p.startDate, date), sql`${p.endDate} >= ${date}`));
  return row ?? null;
}

/** A draft made from a template, authored by the template's author (the maker of maker-checker). */
export async function insertDraftFromTemplate(
  tx: TenantTx,
  template: TemplateRow,
  date: IsoDate,
  lines: readonly TemplateLineRow[],
): Promise<string> {
  const [draft] = await tx
    .insert(tenant.journalDrafts)
    .values({
      postingDate: date,
      memo: template.memo || template.name,
      autoReverse: template.autoReverse,
      createdBy: template.createdBy,
      createdByEmail: template.createdByEmail,
    })
    .returning({ id: tenant.journalDrafts.id });
  if (!draft) throw new Error('draft insert returned nothing');
  await tx.insert(tenant.journalDraftLines).values(
    lines.map((l) => ({
      draftId: draft.id,
      lineNumber: l.lineNumber,
      accountId: l.accountId,
      amountMinor: l.amountMinor,
      memo: l.memo,
      partyId: l.partyId,
    })),
  );
  return draft.id;
}

/** The accounts of the given ids that are no longer active, by code. */
export async function inactiveAccounts(db: Reader, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const a = tenant.accounts;
  const rows = await db
    .select({ code: a.code })
    .from(a)
    .where(and(inArray(a.id, [...ids]), eq(a.active, false)));
  return rows.map((row) => row.code);
}

export async function draftById(db: Reader, id: string) {
  const [row] = await db.select().from(tenant.journalDrafts).where(eq(tenant.journalDrafts.id, id));
  return row;
}
