import type { Actor, TenantDb } from '@cifra/db';
import { inTransaction, recordAuditEvent } from '@cifra/db';
import {
  assertBalancedSigned,
  badInput,
  DomainError,
  type IsoDate,
  parseInput,
  parseIsoDate,
  RECURRENCE_FREQUENCIES,
} from '@cifra/domain';
import { type BooksFirstDay, booksFirstDay, type Company, SYSTEM_USER } from '@cifra/engine';
import { z } from 'zod';
import { manualLinesInput, parseManualLines } from '../services/manual-lines.ts';
import {
  insertTemplate,
  lockTemplate,
  type TemplateRow,
  updateTemplateRow,
  writeTemplateLines,
} from './store.ts';

export const templateInput = z.object({
  name: z.string().trim().min(1).max(200),
  memo: z.string().max(1000).nullish(),
  frequency: z.enum(RECURRENCE_FREQUENCIES),
  dayOfMonth: z.number().int().min(1, 'dayOfMonth: 1 to 31').max(31, 'dayOfMonth: 1 to 31'),
  startDate: z.string(),
  endDate: z.string().nullish(),
  autoReverse: z.boolean().nullish(),
  lines: manualLinesInput,
});
export type TemplateInput = z.infer<typeof templateInput>;

/**
 * A template, checked completely before anything is written: dates, a start on or after the day the
 * books start, an end not before the start, active accounts, parties on control accounts, and lines
 * that balance — the amounts are fixed, so an unbalanced template could never post.
 */
async function parseTemplate(db: TenantDb, company: Company, raw: TemplateInput) {
  const input = parseInput(templateInput, raw);
  const startDate = parseIsoDate(input.startDate, 'startDate');
  const endDate = input.endDate ? parseIsoDate(input.endDate, 'endDate') : null;
  if (endDate && endDate < startDate) {
    throw badInput(`endDate ${endDate} is before startDate ${startDate}`, {
      field: 'endDate',
      value: endDate,
    });
  }
  refuseBeforeBooks(startDate, await booksFirstDay(db));
  const lines = await parseManualLines(db, company, input.lines);
  assertBalancedSigned(lines);
  const row = {
    name: input.name,
    memo: input.memo ?? '',
    frequency: input.frequency,
    dayOfMonth: input.dayOfMonth,
    startDate,
    endDate,
    autoReverse: input.autoReverse ?? false,
  };
  return { row, lines };
}

/**
 * Every occurrence falls on or after the start date, so a start on or after the books' first day
 * (the first posting period's, or the live opening balances' date when later) makes none the books
 * would refuse for ever (PERIOD_NOT_FOUND, BEFORE_OPENING_BALANCES). No schedule is lost: what an
 * earlier start would make from that day on, a start on its first such date makes (the cycle counts
 * from the start's month). Books without a period yet say nothing.
 */
function refuseBeforeBooks(startDate: IsoDate, books: BooksFirstDay | null): void {
  if (!books || startDate >= books.date) return;
  const why =
    books.date === books.openingDate
      ? "the opening balances' date"
      : 'the first day of the first posting period';
  throw badInput(
    `startDate: ${startDate} is before ${books.date}, where the books start (${why}): nothing can post before it, so start the template on or after ${books.date}`,
    {
      field: 'startDate',
      value: startDate,
      booksStart: books.date,
      firstPeriodStart: books.firstPeriodStart,
      openingDate: books.openingDate,
    },
  );
}

type Parsed = Awaited<ReturnType<typeof parseTemplate>>;
const summary = ({ row, lines }: Parsed) => ({
  ...row,
  lines: lines.length,
  debitMinor: lines.reduce((s, l) => (l.amountMinor > 0n ? s + l.amountMinor : s), 0n),
});

export async function createRecurringTemplate(
  db: TenantDb,
  company: Company,
  actor: Actor,
  raw: TemplateInput,
): Promise<TemplateRow> {
  const parsed = await parseTemplate(db, company, raw);
  return inTransaction(db, actor, async (tx) => {
    const template = await insertTemplate(tx, {
      ...parsed.row,
      createdBy: actor.userId ?? SYSTEM_USER,
      createdByEmail: actor.email,
    });
    await writeTemplateLines(tx, template.id, parsed.lines);
    await recordAuditEvent(tx, actor, {
      action: 'recurring_template.created',
      entityType: 'RecurringEntryTemplate',
      entityId: template.id,
      after: summary(parsed),
    });
    return template;
  });
}

async function lockActive(tx: Parameters<typeof lockTemplate>[0], id: string): Promise<TemplateRow> {
  const template = await lockTemplate(tx, id);
  if (!template) throw new DomainError('NOT_FOUND', `No recurring entry template ${id}`, { id });
  if (!template.active) {
    throw new DomainError(
      'NOT_EDITABLE',
      `The template "${template.name}" has ended and can no longer change`,
      {
        id,
      },
    );
  }
  return template;
}

/** Replace a template's schedule and lines; entries and drafts already made stay as they were. */
export async function updateRecurringTemplate(
  db: TenantDb,
  company: Company,
  actor: Actor,
  id: string,
  raw: TemplateInput,
): Promise<TemplateRow> {
  const parsed = await parseTemplate(db, company, raw);
  return inTransaction(db, actor, async (tx) => {
    const before = await lockActive(tx, id);
    const template = await updateTemplateRow(tx, id, parsed.row);
    await writeTemplateLines(tx, id, parsed.lines);
    await recordAuditEvent(tx, actor, {
      action: 'recurring_template.updated',
      entityType: 'RecurringEntryTemplate',
      entityId: id,
      before: { name: before.name, frequency: before.frequency, dayOfMonth: before.dayOfMonth },
      after: summary(parsed),
    });
    return template;
  });
}

/** Stop a template: no further occurrence is made; it stays on record with its runs. */
export async function endRecurringTemplate(db: TenantDb, actor: Actor, id: string): Promise<TemplateRow> {
  return inTransaction(db, actor, async (tx) => {
    await lockActive(tx, id);
    const template = await updateTemplateRow(tx, id, { active: false });
    await recordAuditEvent(tx, actor, {
      action: 'recurring_template.ended',
      entityType: 'RecurringEntryTemplate',
      entityId: id,
      before: { active: true },
      after: { active: false },
    });
    return template;
  });
}
