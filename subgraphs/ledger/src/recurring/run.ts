import type { Actor, TenantDb } from '@cifra/db';
import { inTransaction, recordAuditEvent } from '@cifra/db';
import { badInput, DomainError, type IsoDate, occurrencesBetween } from '@cifra/domain';
import { type Company, periodRefusal, postEntry, type TenantTx } from '@cifra/engine';
import {
  claimOccurrence,
  completeRun,
  inactiveAccounts,
  insertDraftFromTemplate,
  periodOn,
  type RunRow,
  recordRefusal,
  runsOf,
  type TemplateLineRow,
  type TemplateRow,
  templateLines,
  templatesStartedBy,
} from './store.ts';

/** Occurrences one run attempts at most; the next run goes on from there. */
export const MAX_OCCURRENCES_PER_RUN = 500;

export interface RecurringRun {
  asOf: IsoDate;
  /** Occurrences made by this run: drafts (DRAFTED) or posted entries (POSTED). */
  made: RunRow[];
  /** Occurrences the books refused (a closed month, an inactive account): retried by the next run. */
  refused: RunRow[];
}

/**
 * Make every occurrence of every active template due on or before `asOf` and not made yet: a draft
 * for someone to approve, or a posted entry when the client's setting `recurringEntriesAutoPost`
 * says so. Each occurrence is its own transaction, claimed first (store.ts, claimOccurrence), so two
 * workers never make one twice and a run that comes again makes nothing new. A refusal is recorded
 * on the occurrence (and shown by the month's checklist), never silently skipped.
 */
export async function runRecurringEntries(
  db: TenantDb,
  company: Company,
  actor: Actor,
  args: { asOf: IsoDate; autoPost: boolean },
): Promise<RecurringRun> {
  const templates = await templatesStartedBy(db, args.asOf);
  const ids = templates.map((t) => t.id);
  const [lines, runs] = await Promise.all([templateLines(db, ids), runsOf(db, ids)]);
  const made = new Set(
    runs.filter((r) => r.status !== 'REFUSED').map((r) => `${r.templateId}:${r.occurrenceDate}`),
  );
  const result: RecurringRun = { asOf: args.asOf, made: [], refused: [] };
  for (const template of templates) {
    const own = lines.filter((l) => l.templateId === template.id);
    for (const date of occurrencesBetween(template, template.startDate, args.asOf)) {
      if (made.has(`${template.id}:${date}`)) continue;
      if (result.made.length + result.refused.length >= MAX_OCCURRENCES_PER_RUN) return result;
      const outcome = await makeOccurrence(db, company, actor, {
        template,
        lines: own,
        date,
        autoPost: args.autoPost,
      });
      if (outcome) result[outcome.status === 'REFUSED' ? 'refused' : 'made'].push(outcome);
    }
  }
  return result;
}

interface Occurrence {
  template: TemplateRow;
  lines: TemplateLineRow[];
  date: IsoDate;
  autoPost: boolean;
}

async function makeOccurrence(
  db: TenantDb,
  company: Company,
  actor: Actor,
  o: Occurrence,
): Promise<RunRow | null> {
  const reasoned = { ...actor, reason: `recurring entry "${o.template.name}" of ${o.date}` };
  try {
    return await inTransaction(db, reasoned, async (tx) => {
      const runId = await claimOccurrence(tx, o.template.id, o.date);
      if (!runId) return null;
      await refuseIfNotPostable(tx, o);
      const run = o.autoPost
        ? await completeRun(tx, runId, {
            status: 'POSTED',
            entryId: (await postOccurrence(tx, company, reasoned, o)).id,
          })
        : await completeRun(tx, runId, {
            status: 'DRAFTED',
            draftId: await insertDraftFromTemplate(tx, o.template, o.date, o.lines),
          });
      await recordAuditEvent(tx, reasoned, {
        action: 'recurring_entry.made',
        entityType: 'RecurringEntryTemplate',
        entityId: o.template.id,
        after: { occurrenceDate: o.date, status: run.status, draftId: run.draftId, entryId: run.entryId },
      });
      return run;
    });
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return inTransaction(db, reasoned, async (tx) => {
      const run = await recordRefusal(tx, o.template.id, o.date, { code: err.code, message: err.message });
      await recordAuditEvent(tx, reasoned, {
        action: 'recurring_entry.refused',
        entityType: 'RecurringEntryTemplate',
        entityId: o.template.id,
        after: { occurrenceDate: o.date, code: err.code, message: err.message },
      });
      return run;
    });
  }
}

/**
 * A draft is checked as its posting would be: a month that no longer takes manual entries, or an
 * account deactivated since the template was written, refuses the occurrence now rather than
 * leaving a draft nobody can approve.
 */
async function refuseIfNotPostable(tx: TenantTx, o: Occurrence): Promise<void> {
  const period = await periodOn(tx, o.date);
  const refusal = periodRefusal(period ?? undefined, { kind: 'MANUAL', postingDate: o.date });
  if (refusal) throw refusal;
  const inactive = await inactiveAccounts(
    tx,
    o.lines.map((l) => l.accountId),
  );
  if (inactive.length > 0) {
    throw badInput(`The template "${o.template.name}" uses inactive account(s) ${inactive.join(', ')}`, {
      field: 'lines',
    });
  }
}

function postOccurrence(tx: TenantTx, company: Company, actor: Actor, o: Occurrence) {
  return postEntry(tx, actor, {
    kind: 'MANUAL',
    postingDate: o.date,
    memo: o.template.memo || o.template.name,
    autoReverse: o.template.autoReverse,
    lines: o.lines.map((l) => ({
      accountId: l.accountId,
      amountMinor: l.amountMinor,
      originalCurrency: company.baseCurrency,
      originalAmountMinor: l.amountMinor,
      memo: l.memo,
      partyId: l.partyId,
    })),
  });
}
