import type { Actor, ControlDb, TenantDb } from '@cifra/db';
import { addDays, type IsoDate, occurrencesBetween, todayIn } from '@cifra/domain';
import { loadCompany, postDueReversals, type ReversalRun } from '@cifra/engine';
import { clientSettings } from '@cifra/fx';
import { type RecurringRun, runRecurringEntries } from './run.ts';
import { draftById, listTemplates, runsOf, type TemplateRow, templateById, templateLines } from './store.ts';

/** Reads for the resolvers: the templates, their lines and their runs. */
export const templatesOf = (db: TenantDb, includeEnded: boolean, limit: number) =>
  listTemplates(db, includeEnded, limit);
export const templateOf = (db: TenantDb, id: string) => templateById(db, id);
export const linesOfTemplate = (db: TenantDb, id: string) => templateLines(db, [id]);
export const runsOfTemplate = (db: TenantDb, id: string, limit: number) => runsOf(db, [id], limit);
export const draftOf = (db: TenantDb, id: string) => draftById(db, id);

/** The first occurrence on or after `today` (and its start), or null when none is left. */
export function nextOccurrence(template: TemplateRow, today: IsoDate): IsoDate | null {
  if (!template.active) return null;
  // From today, or from the start if it lies ahead: the longest cycle (a year) falls well within
  // 800 days of either, so none found there means none is left.
  const from = template.startDate > today ? template.startDate : today;
  return occurrencesBetween(template, from, addDays(from, 800))[0] ?? null;
}

/** Today in the client's own time zone: its books turn over at its midnight. */
export async function clientToday(db: TenantDb, now: Date = new Date()): Promise<IsoDate> {
  return todayIn((await loadCompany(db)).timezone, now);
}

export interface ClientRun {
  recurring: RecurringRun;
  reversals: ReversalRun;
}

/**
 * The worker's pass over one client (ops/src/jobs/recurring-entries.jobs.ts): reversals due by today
 * first (so a reversal and next month's recurring accrual land in their order), then the recurring
 * occurrences due by today, drafts or posted entries as the client's setting says.
 */
export async function runForClient(
  db: TenantDb,
  control: ControlDb,
  tenantId: string,
  actor: Actor,
  now: Date,
): Promise<ClientRun> {
  const company = await loadCompany(db);
  const asOf = todayIn(company.timezone, now);
  const settings = await clientSettings(control, tenantId);
  const reversals = await postDueReversals(db, actor, asOf);
  const recurring = await runRecurringEntries(db, company, actor, {
    asOf,
    autoPost: settings.recurringEntriesAutoPost,
    now,
  });
  return { recurring, reversals };
}
