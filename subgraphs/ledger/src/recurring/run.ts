import type { Actor, TenantDb } from '@cifra/db';
import { inTransaction, recordAuditEvent } from '@cifra/db';
import {
  badInput,
  DomainError,
  type IsoDate,
  occurrencesBetween,
  occurrencesFrom,
  todayIn,
} from '@cifra/domain';
import {
  booksFirstDay,
  booksLastDay,
  booksStart,
  type Company,
  periodRefusal,
  postEntry,
  type TenantTx,
} from '@cifra/engine';
import {
  claimOccurrence,
  completeRun,
  inactiveAccounts,
  insertDraftFromTemplate,
  periodOn,
  type RunRow,
  recordRefusal,
  runsOf,
  shareTemplate,
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
  /**
   * Occurrences the books refused (a closed month, an inactive account): retried by the next run,
   * unless the books start after them by then.
   */
  refused: RunRow[];
}

/**
 * Make every occurrence of every active template due on or before `asOf` and not made yet: a draft
 * for someone to approve, or a posted entry when the client's setting `recurringEntriesAutoPost`
 * says so. Each occurrence is its own transaction, claimed first (store.ts, claimOccurrence), so two
 * workers never make one twice and a run that comes again makes nothing new. A refusal is recorded
 * on the occurrence (and shown by the month's checklist), never silently skipped.
 *
 * Only dates on or after the books' first day are tried (`booksFirstDay`: the first posting period's
 * start, or the live opening balances' date when later): one before it is refused whatever happens
 * (PERIOD_NOT_FOUND, BEFORE_OPENING_BALANCES) and, retried, would take the run's 500 on every run
 * and keep a template from ever reaching its real dates. Such a date is not made and nothing is
 * written for it — it is outside the books, as the checklist sees it too — until the books start
 * earlier (a year opened before the first, the import voided): then it is due as any other.
 */
export async function runRecurringEntries(
  db: TenantDb,
  company: Company,
  actor: Actor,
  args: { asOf: IsoDate; autoPost: boolean; now?: Date },
): Promise<RecurringRun> {
  await refuseAsOfPastBooks(db, company, args);
  const templates = await templatesStartedBy(db, args.asOf);
  // Read once, before the occurrences: an import landing meanwhile is the posting check's to refuse
  // (`refuseIfNotPostable`), once, and the next run starts after it.
  const books = await booksFirstDay(db);
  const runs = await runsOf(
    db,
    templates.map((t) => t.id),
  );
  const done = new Set(
    runs.filter((r) => r.status !== 'REFUSED').map((r) => keyOf(r.templateId, r.occurrenceDate)),
  );
  const result: RecurringRun = { asOf: args.asOf, made: [], refused: [] };
  const dates = { ...args, booksFrom: books?.date ?? null };
  for (const template of templates) {
    if (!(await runTemplate(db, company, actor, template, done, dates, result))) break;
  }
  return result;
}

const keyOf = (templateId: string, date: string) => `${templateId}:${date}`;

/**
 * A run goes no further than the books do: `asOf` after both the books' last day (their last
 * period's end) and the client's today is refused (BAD_USER_INPUT on `asOf`, naming `lastDay`),
 * nothing written. No period takes a date after the books' last day, so such a run would only
 * record refusals of dates no one asked about yet — up to 9999, 500 a run. Up to today it stays
 * allowed: when the new year is not opened yet, its occurrences due by today are refused
 * PERIOD_NOT_FOUND and shown, as before.
 */
async function refuseAsOfPastBooks(
  db: TenantDb,
  company: Company,
  args: { asOf: IsoDate; now?: Date },
): Promise<void> {
  const today = todayIn(company.timezone, args.now ?? new Date());
  const booksLast = await booksLastDay(db);
  const lastDay = booksLast && booksLast > today ? booksLast : today;
  if (args.asOf <= lastDay) return;
  throw badInput(
    `asOf ${args.asOf} is after ${lastDay}, the books' last day (or today, when later): no occurrence after it can be made yet; run up to ${lastDay}, or open the next fiscal year first`,
    { field: 'asOf', value: args.asOf, lastDay, booksLastDay: booksLast, today },
  );
}

/** The dates a run tries: due by `asOf`, from the books' first day (none while the books have no period). */
interface RunDates {
  asOf: IsoDate;
  booksFrom: IsoDate | null;
}

/**
 * The template's first occurrence on or after `from` and by `asOf` that `done` does not hold. The
 * dates are computed one at a time (`occurrencesFrom`), and the caller moves `from` on past what it
 * tried: a run walks each template's dates once, not once per occurrence it makes.
 */
function nextDue(template: TemplateRow, done: ReadonlySet<string>, from: IsoDate, asOf: IsoDate) {
  for (const date of occurrencesFrom(template, from, asOf)) {
    if (!done.has(keyOf(template.id, date))) return date;
  }
  return undefined;
}

/** Whether an update changed the dates a template falls on. */
const sameSchedule = (a: TemplateRow, b: TemplateRow) =>
  a.frequency === b.frequency &&
  a.dayOfMonth === b.dayOfMonth &&
  a.startDate === b.startDate &&
  a.endDate === b.endDate;

/** Whether `date` is still an occurrence of the template as it stands: active, on its schedule, not past its end. */
const isDue = (template: TemplateRow, date: IsoDate) =>
  template.active && occurrencesBetween(template, date, date).includes(date);

/**
 * One template's occurrences, in date order, each made from the template as it then stands
 * (`makeOccurrence`): once it has ended nothing more is made, and once its schedule changed the
 * dates left are its new schedule's. Every date tried is added to `done`. False once the run has
 * tried as many occurrences as it may.
 */
async function runTemplate(
  db: TenantDb,
  company: Company,
  actor: Actor,
  first: TemplateRow,
  done: Set<string>,
  args: RunDates & { autoPost: boolean },
  result: RecurringRun,
): Promise<boolean> {
  if (args.booksFrom === null) return true;
  let template = first;
  let from = args.booksFrom;
  for (;;) {
    const date = nextDue(template, done, from, args.asOf);
    if (!date) return true;
    if (result.made.length + result.refused.length >= MAX_OCCURRENCES_PER_RUN) return false;
    const o = { templateId: template.id, name: template.name, date, autoPost: args.autoPost };
    const { run, current } = await makeOccurrence(db, company, actor, o);
    done.add(keyOf(template.id, date));
    if (run) result[run.status === 'REFUSED' ? 'refused' : 'made'].push(run);
    if (!current?.active) return true;
    // On from this date (now in `done`); a new schedule's dates may lie before it: from the start.
    from = sameSchedule(template, current) ? date : args.booksFrom;
    template = current;
  }
}

interface Occurrence {
  templateId: string;
  /** The template's name when the run read it: the reason its transactions record. */
  name: string;
  date: IsoDate;
  autoPost: boolean;
}

/** What one occurrence became (null: made elsewhere, or no longer due), and its template as it stood. */
interface Outcome {
  run: RunRow | null;
  current: TemplateRow | undefined;
}

/**
 * One occurrence, in its own transaction, from the template read again and held FOR SHARE
 * (`shareTemplate`) — its end or update waits for this transaction, and one committed before is
 * seen: an ended template, or a date no longer on its schedule or past its end, makes nothing;
 * otherwise it is made from the template's lines as they stand. A refusal is recorded the same way.
 */
async function makeOccurrence(db: TenantDb, company: Company, actor: Actor, o: Occurrence): Promise<Outcome> {
  const reasoned = { ...actor, reason: `recurring entry "${o.name}" of ${o.date}` };
  try {
    return await inTransaction(db, reasoned, async (tx) => {
      const current = await shareTemplate(tx, o.templateId);
      if (!current || !isDue(current, o.date)) return { run: null, current };
      const runId = await claimOccurrence(tx, current.id, o.date);
      if (!runId) return { run: null, current };
      const lines = await templateLines(tx, [current.id]);
      const run = await makeFrom(
        tx,
        company,
        reasoned,
        runId,
        { template: current, lines, date: o.date },
        o.autoPost,
      );
      return { run, current };
    });
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return inTransaction(db, reasoned, async (tx) => {
      const current = await shareTemplate(tx, o.templateId);
      if (!current || !isDue(current, o.date)) return { run: null, current };
      const run = await recordRefusal(tx, current.id, o.date, { code: err.code, message: err.message });
      await recordAuditEvent(tx, reasoned, {
        action: 'recurring_entry.refused',
        entityType: 'RecurringEntryTemplate',
        entityId: current.id,
        after: { occurrenceDate: o.date, code: err.code, message: err.message },
      });
      return { run, current };
    });
  }
}

interface Made {
  template: TemplateRow;
  lines: TemplateLineRow[];
  date: IsoDate;
}

/** A claimed occurrence made: a draft, or a posted entry, checked first as its posting would be. */
async function makeFrom(
  tx: TenantTx,
  company: Company,
  actor: Actor,
  runId: string,
  o: Made,
  autoPost: boolean,
): Promise<RunRow> {
  await refuseIfNotPostable(tx, o);
  const run = autoPost
    ? await completeRun(tx, runId, {
        status: 'POSTED',
        entryId: (await postOccurrence(tx, company, actor, o)).id,
      })
    : await completeRun(tx, runId, {
        status: 'DRAFTED',
        draftId: await insertDraftFromTemplate(tx, o.template, o.date, o.lines),
      });
  await recordAuditEvent(tx, actor, {
    action: 'recurring_entry.made',
    entityType: 'RecurringEntryTemplate',
    entityId: o.template.id,
    after: { occurrenceDate: o.date, status: run.status, draftId: run.draftId, entryId: run.entryId },
  });
  return run;
}

/**
 * A draft is checked as its posting would be: a month that no longer takes manual entries, a date
 * before the opening balances (the books' start), or an account deactivated since the template was
 * written, refuses the occurrence now rather than leaving a draft nobody can approve.
 */
async function refuseIfNotPostable(tx: TenantTx, o: Made): Promise<void> {
  const period = await periodOn(tx, o.date);
  const refusal = periodRefusal(
    period ?? undefined,
    { kind: 'MANUAL', postingDate: o.date },
    await booksStart(tx),
  );
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

function postOccurrence(tx: TenantTx, company: Company, actor: Actor, o: Made) {
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
