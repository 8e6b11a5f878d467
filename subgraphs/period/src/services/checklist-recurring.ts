import { tenant } from '@cifra/db';
import { type IsoDate, occurrencesBetween } from '@cifra/domain';
import { booksFirstDay, pendingReversals } from '@cifra/engine';
import { and, between, eq, gte, isNull, lte, or } from 'drizzle-orm';
import type { CloseCheck } from './checklist.ts';
import type { TenantTx } from './store.ts';

/**
 * The month-end checklist's items for recurring and reversing entries (docs/architecture/posting.md,
 * "Recurring and reversing entries"): what the worker should have made in the month and has not.
 * Both block: a month closed without its recurring entries or with an accrual still standing
 * reports the wrong expenses.
 */

/**
 * Occurrences dated in [from, to] of templates active then, not made (none yet, or refused). None
 * dated before the books' first day (`booksFirstDay`): the books refuse them whatever happens, so
 * the recurring run does not try them (subgraphs/ledger/src/recurring/run.ts) and they are not
 * missing — a month before the opening balances closes without them.
 */
async function recurringNotMade(tx: TenantTx, periodStart: IsoDate, to: IsoDate) {
  const books = await booksFirstDay(tx);
  if (!books || books.date > to) return [];
  const from = books.date > periodStart ? books.date : periodStart;
  const t = tenant.recurringTemplates;
  const r = tenant.recurringRuns;
  const templates = await tx
    .select()
    .from(t)
    .where(and(eq(t.active, true), lte(t.startDate, to), or(isNull(t.endDate), gte(t.endDate, from))));
  const runs = await tx
    .select()
    .from(r)
    .where(between(r.occurrenceDate, from, to));
  const runOf = new Map(runs.map((run) => [`${run.templateId}:${run.occurrenceDate}`, run]));
  return templates.flatMap((template) =>
    occurrencesBetween(template, from, to)
      .map((date) => ({ template, date, run: runOf.get(`${template.id}:${date}`) }))
      .filter(({ run }) => !run || run.status === 'REFUSED' || run.status === 'PENDING'),
  );
}

export const RECURRING_CHECKS: readonly CloseCheck[] = [
  {
    code: 'RECURRING_ENTRIES_MADE',
    label: 'Every recurring entry of the period is made',
    blocking: true,
    async run(tx, { period }) {
      const missing = await recurringNotMade(tx, period.startDate, period.endDate);
      if (missing.length === 0)
        return { status: 'OK', detail: 'No recurring entry of the period is missing', count: 0 };
      const each = missing.map(({ template, date, run }) =>
        run?.refusalCode
          ? `"${template.name}" of ${date} (refused: ${run.refusalCode} — ${run.refusalMessage})`
          : `"${template.name}" of ${date} (not made yet)`,
      );
      return {
        status: 'OPEN',
        count: missing.length,
        detail: `${missing.length} recurring entr${missing.length === 1 ? 'y' : 'ies'} not made: ${each.join('; ')}`,
      };
    },
  },
  {
    code: 'REVERSALS_POSTED',
    label: 'Every accrual due to reverse in the period is reversed',
    blocking: true,
    async run(tx, { period }) {
      const due = await pendingReversals(tx, { from: period.startDate, to: period.endDate });
      if (due.length === 0)
        return { status: 'OK', detail: 'No reversal due in the period is pending', count: 0 };
      return {
        status: 'OPEN',
        count: due.length,
        detail: `${due.length} reversal(s) due and not posted: ${due.map((d) => `${d.number} on ${d.reverseOn}`).join(', ')}`,
      };
    },
  },
];
