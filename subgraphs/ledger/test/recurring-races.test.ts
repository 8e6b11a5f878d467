import type { Company } from '@cifra/engine';
import { loadCompany } from '@cifra/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRecurringEntries } from '../src/recurring/run.ts';
import {
  createRecurringTemplate,
  endRecurringTemplate,
  type TemplateInput,
  updateRecurringTemplate,
} from '../src/recurring/templates.ts';
import { actor, openTestBooks, type TestBooks } from './test-books.ts';

let t: TestBooks;
let company: Company;

beforeAll(async () => {
  t = await openTestBooks();
  company = await loadCompany(t.db);
});
afterAll(() => t.close());

const AS_OF = '2026-11-26';
const rent = (name: string, amount = '10.00', endDate?: string): TemplateInput => ({
  name,
  frequency: 'MONTHLY',
  dayOfMonth: 28,
  startDate: '2026-01-01',
  endDate: endDate ?? null,
  lines: [
    { accountCode: '6201', debit: amount },
    { accountCode: '2401', credit: amount },
  ],
});
const run = () => runRecurringEntries(t.db, company, actor, { asOf: AS_OF, autoPost: false });

/** The template's drafts as they stand: id, date and first line's amount, by date. */
async function draftsOf(templateId: string) {
  const { rows } = await t.admin.query<{ id: string; date: string; amount: string }>(
    `SELECT d.id, to_char(d.posting_date, 'YYYY-MM-DD') AS date, l.amount_minor::text AS amount
       FROM recurring_runs r JOIN journal_drafts d ON d.id = r.draft_id
       JOIN journal_draft_lines l ON l.draft_id = d.id AND l.line_number = 1
      WHERE r.template_id = $1 ORDER BY d.posting_date`,
    [templateId],
  );
  return rows;
}

const waitingForLocks = async () =>
  (
    await t.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    )
  ).rows[0]?.n ?? 0;

/** Polled on the server's state, no timing: until `n` backends wait for a lock, or `done` holds. */
async function until(n: number, done: () => boolean = () => false): Promise<void> {
  for (let i = 0; !done() && (await waitingForLocks()) < n; i++) {
    if (i > 20_000) throw new Error(`never ${n} waiting for a lock`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A run of the template stopped in its second occurrence (28 February), which another transaction
 * holds (a PENDING run of that date, not committed); `change` is asked while it waits, and the
 * occurrence is let go once the change waits for it too — or has answered. Returns whether the
 * change waited, the drafts as they stood when it answered, and the run's outcome.
 */
async function changeDuringRun<T>(templateId: string, change: () => Promise<T>) {
  const holder = await t.admin.connect();
  try {
    await holder.query('BEGIN');
    // Without its foreign-key check (this transaction only), which would hold the template itself.
    await holder.query('SET LOCAL session_replication_role = replica');
    await holder.query(
      `INSERT INTO recurring_runs (template_id, occurrence_date, status) VALUES ($1, '2026-02-28', 'PENDING')`,
      [templateId],
    );
    const running = run();
    await until(1);
    let answered = false;
    const changing = change().finally(() => {
      answered = true;
    });
    await until(2, () => answered);
    // The change waits for the occurrence in flight, which holds the template.
    const waited = !answered;
    await holder.query('ROLLBACK');
    const changed = await changing;
    const atChange = await draftsOf(templateId);
    return { changed, waited, atChange, outcome: await running };
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    holder.release();
  }
}

describe('a recurring template changed while a run makes its occurrences', () => {
  it('ended: nothing is made from it once the end has answered', async () => {
    const template = await createRecurringTemplate(t.db, company, actor, rent('Rent ended'));
    const { changed, waited, atChange, outcome } = await changeDuringRun(template.id, () =>
      endRecurringTemplate(t.db, actor, template.id),
    );
    expect(waited).toBe(true);
    expect(changed.active).toBe(false);
    expect(atChange.length).toBeGreaterThanOrEqual(1);
    // What the run made was all made before the end answered: nothing after.
    expect(await draftsOf(template.id)).toEqual(atChange);
    expect(outcome.made.map((r) => r.occurrenceDate)).toEqual(atChange.map((d) => d.date));
    expect(outcome.refused).toEqual([]);
    expect((await run()).made).toEqual([]);
  });

  it('updated: what is made after the update answered uses its lines and its end date', async () => {
    const template = await createRecurringTemplate(t.db, company, actor, rent('Rent updated'));
    const { waited, atChange, outcome } = await changeDuringRun(template.id, () =>
      updateRecurringTemplate(t.db, company, actor, template.id, rent('Rent updated', '20.00', '2026-06-30')),
    );
    expect(waited).toBe(true);
    const before = new Set(atChange.map((d) => d.id));
    const drafts = await draftsOf(template.id);
    const after = drafts.filter((d) => !before.has(d.id));
    expect(after.length).toBeGreaterThanOrEqual(1);
    for (const draft of after) {
      expect(draft.amount).toBe('2000');
      expect(draft.date <= '2026-06-30').toBe(true);
    }
    // Every occurrence to its new end is made, once, by this run.
    expect(drafts.filter((d) => d.date <= '2026-06-30').map((d) => d.date)).toEqual(
      ['01', '02', '03', '04', '05', '06'].map((m) => `2026-${m}-28`),
    );
    expect(outcome.made.map((r) => r.occurrenceDate)).toEqual(drafts.map((d) => d.date));
  });
});
