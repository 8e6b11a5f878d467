import type { Company } from '@cifra/engine';
import { loadCompany } from '@cifra/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOpeningBalances, voidOpeningBalances } from '../src/opening/index.ts';
import { nextOccurrence } from '../src/recurring/read.ts';
import { type RecurringRun, runRecurringEntries } from '../src/recurring/run.ts';
import { templateById } from '../src/recurring/store.ts';
import {
  createRecurringTemplate,
  type TemplateInput,
  updateRecurringTemplate,
} from '../src/recurring/templates.ts';
import { actor, openTestBooks, refusal, type TestBooks } from './test-books.ts';

// A recurring template makes nothing the books would refuse for ever: its start is on or after the
// day the books start (the first posting period's first day, or the live opening balances' date
// when later), and a template holding an earlier start — written before that rule, or before an
// import moved the books' start — is run from the books' start, so it reaches its real dates in one
// run instead of retrying dates before it on every run (docs/architecture/posting.md, "Recurring
// and reversing entries").

const template = (name: string, over: Partial<TemplateInput> = {}): TemplateInput => ({
  name,
  frequency: 'MONTHLY',
  dayOfMonth: 31,
  startDate: '2026-01-01',
  endDate: null,
  lines: [
    { accountCode: '6201', debit: '10.00' },
    { accountCode: '2401', credit: '10.00' },
  ],
  ...over,
});

/** What writing or running a template could have written. */
const footprint = async (b: TestBooks) => ({
  templates: await b.count('recurring_templates'),
  lines: await b.count('recurring_template_lines'),
  runs: await b.count('recurring_runs'),
  drafts: await b.count('journal_drafts'),
  events: await b.count('audit_events'),
});

/** What a run made and refused of one template: dates, and refusals with their code. */
const of = (run: RecurringRun, templateId: string) => ({
  made: run.made.filter((r) => r.templateId === templateId).map((r) => r.occurrenceDate),
  refused: run.refused
    .filter((r) => r.templateId === templateId)
    .map((r) => [r.occurrenceDate, r.refusalCode]),
});

/** The template's runs as the database holds them, by date. */
async function runsOf(b: TestBooks, templateId: string) {
  const { rows } = await b.admin.query<{ date: string; status: string; code: string | null; at: Date }>(
    `SELECT to_char(occurrence_date, 'YYYY-MM-DD') AS date, status, refusal_code AS code, attempted_at AS at
       FROM recurring_runs WHERE template_id = $1 ORDER BY occurrence_date`,
    [templateId],
  );
  return rows;
}

const refusedEvents = (b: TestBooks, templateId: string) =>
  b.count('audit_events', `action = 'recurring_entry.refused' AND entity_id = '${templateId}'`);

const monthEnds2026 = (...months: number[]) =>
  months.map((m) => new Date(Date.UTC(2026, m, 0)).toISOString().slice(0, 10));

describe('books whose first posting period starts on 1 January 2026', () => {
  let t: TestBooks;
  let company: Company;
  beforeAll(async () => {
    t = await openTestBooks();
    company = await loadCompany(t.db);
  });
  afterAll(() => t.close());
  const run = (asOf: string) => runRecurringEntries(t.db, company, actor, { asOf, autoPost: false });

  it('refuse a template starting before them: BAD_USER_INPUT on startDate, naming 2026-01-01, nothing written', async () => {
    const before = await footprint(t);
    for (const startDate of ['1900-01-01', '2025-12-31']) {
      const err = await refusal(
        createRecurringTemplate(t.db, company, actor, template('Rent', { startDate })),
      );
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.details).toEqual({
        field: 'startDate',
        value: startDate,
        booksStart: '2026-01-01',
        firstPeriodStart: '2026-01-01',
        openingDate: null,
      });
      expect(err.message).toContain('first posting period');
      expect(err.message).toContain('on or after 2026-01-01');
    }
    expect(await footprint(t)).toEqual(before);
  });

  it('accept a template starting on their first day exactly, and refuse its update to an earlier start, unchanged', async () => {
    const written = await createRecurringTemplate(t.db, company, actor, template('Rent from the first day'));
    expect(written.startDate).toBe('2026-01-01');
    const before = await footprint(t);
    const err = await refusal(
      updateRecurringTemplate(
        t.db,
        company,
        actor,
        written.id,
        template('Rent from the first day', { startDate: '2025-12-31', dayOfMonth: 15 }),
      ),
    );
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.details).toMatchObject({ field: 'startDate', value: '2025-12-31', booksStart: '2026-01-01' });
    expect(await footprint(t)).toEqual(before);
    expect(await templateById(t.db, written.id)).toEqual(written);
    // Its real dates, January to October, in one run.
    expect(of(await run('2026-11-26'), written.id)).toEqual({
      made: monthEnds2026(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
      refused: [],
    });
  });

  it('accept a start and an end as late as 9999-12-31: such a template is simply not due', async () => {
    const late = await createRecurringTemplate(
      t.db,
      company,
      actor,
      template('Rent at the end of time', { startDate: '9999-12-31', endDate: '9999-12-31' }),
    );
    const open = await createRecurringTemplate(
      t.db,
      company,
      actor,
      template('Rent until the end of time', { startDate: '2026-11-01', endDate: '9999-12-31' }),
    );
    expect(nextOccurrence(late, '2026-11-26')).toBe('9999-12-31');
    expect(nextOccurrence(open, '2026-11-26')).toBe('2026-11-30');
    const made = await run('2026-11-30');
    expect(of(made, late.id)).toEqual({ made: [], refused: [] });
    expect(of(made, open.id)).toEqual({ made: ['2026-11-30'], refused: [] });
  });

  it('run a template written before the rule, from 1900, from their start: its real dates in one run, nothing retried', async () => {
    // As the template of the reproduction was written, and as its first runs left it: dates of 1900
    // refused for want of a period.
    const [legacy] = (
      await t.admin.query<{ id: string }>(
        `INSERT INTO recurring_templates (name, frequency, day_of_month, start_date, created_by)
         VALUES ('Rent since 1900', 'MONTHLY', 31, '1900-01-01', $1) RETURNING id`,
        [actor.userId],
      )
    ).rows;
    const id = legacy!.id;
    await t.admin.query(
      `INSERT INTO recurring_template_lines (template_id, line_number, account_id, amount_minor)
       SELECT $1, n, a.id, amount FROM (VALUES (1, '6201', 1000), (2, '2401', -1000)) v(n, code, amount)
         JOIN accounts a ON a.code = v.code`,
      [id],
    );
    await t.admin.query(
      `INSERT INTO recurring_runs (template_id, occurrence_date, status, refusal_code, refusal_message)
       VALUES ($1, '1900-01-31', 'REFUSED', 'PERIOD_NOT_FOUND', 'No posting period covers 1900-01-31'),
              ($1, '1900-02-28', 'REFUSED', 'PERIOD_NOT_FOUND', 'No posting period covers 1900-02-28')`,
      [id],
    );
    const recorded = await runsOf(t, id);

    const first = await run('2026-11-26');
    expect(of(first, id)).toEqual({ made: monthEnds2026(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), refused: [] });
    const before = await footprint(t);
    const second = await run('2026-11-26');
    expect(second).toEqual({ asOf: '2026-11-26', made: [], refused: [] });
    expect(await footprint(t)).toEqual(before);
    // The refusals recorded before stay as they were, not tried again, and none is added.
    expect((await runsOf(t, id)).slice(0, 2)).toEqual(recorded);
    expect(await refusedEvents(t, id)).toBe(0);
  });
});

describe('books that start later than a template: an opening balance import', () => {
  let u: TestBooks;
  let company: Company;
  let importId: string;
  let rent: string;
  const reason = 'The books start on the opening balances in April';
  beforeAll(async () => {
    u = await openTestBooks();
    company = await loadCompany(u.db);
    // Written while the books start on 1 January: valid then.
    rent = (await createRecurringTemplate(u.db, company, actor, template('Rent', { dayOfMonth: 28 }))).id;
  });
  afterAll(() => u.close());
  const run = (asOf: string) => runRecurringEntries(u.db, company, actor, { asOf, autoPost: false });

  const waitingForLocks = async () =>
    (
      await u.admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      )
    ).rows[0]?.n ?? 0;

  it('landing while a run goes: what it then tries before the opening date is refused once, never again', async () => {
    // The run is held in its second occurrence (28 February) by a transaction holding that date.
    const holder = await u.admin.connect();
    try {
      await holder.query('BEGIN');
      // Without its foreign-key check (this transaction only), which would hold the template itself.
      await holder.query('SET LOCAL session_replication_role = replica');
      await holder.query(
        `INSERT INTO recurring_runs (template_id, occurrence_date, status) VALUES ($1, '2026-02-28', 'PENDING')`,
        [rent],
      );
      const running = run('2026-04-30');
      for (let i = 0; (await waitingForLocks()) < 1; i++) {
        if (i > 20_000) throw new Error('the run never waited');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const outcome = await importOpeningBalances(await u.books(), {
        openingDate: '2026-04-01',
        trialBalance: [
          { accountCode: '1110', debit: '500.00' },
          { accountCode: '3101', credit: '500.00' },
        ],
      });
      if (!outcome.imported) throw new Error(`not imported: ${JSON.stringify(outcome.problems)}`);
      importId = outcome.imported.id;
      await holder.query('ROLLBACK');
      // January was made before the import; February and March, tried after it, are refused.
      expect(of(await running, rent)).toEqual({
        made: ['2026-01-28', '2026-04-28'],
        refused: [
          ['2026-02-28', 'BEFORE_OPENING_BALANCES'],
          ['2026-03-28', 'BEFORE_OPENING_BALANCES'],
        ],
      });
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
    const refused = (await runsOf(u, rent)).filter((r) => r.status === 'REFUSED');
    expect(refused.map((r) => r.date)).toEqual(['2026-02-28', '2026-03-28']);
    expect(await refusedEvents(u, rent)).toBe(2);
    // The next runs start at the opening date: the refusals are not tried again.
    expect(of(await run('2026-09-30'), rent)).toEqual({
      made: ['2026-05-28', '2026-06-28', '2026-07-28', '2026-08-28', '2026-09-28'],
      refused: [],
    });
    const before = await footprint(u);
    expect(await run('2026-09-30')).toEqual({ asOf: '2026-09-30', made: [], refused: [] });
    expect(await footprint(u)).toEqual(before);
    expect((await runsOf(u, rent)).filter((r) => r.status === 'REFUSED')).toEqual(refused);
    expect(await refusedEvents(u, rent)).toBe(2);
  });

  it('refuse a template starting before the opening date, naming it; accept one starting on it', async () => {
    const before = await footprint(u);
    const err = await refusal(
      createRecurringTemplate(u.db, company, actor, template('Insurance', { startDate: '2026-03-31' })),
    );
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.details).toEqual({
      field: 'startDate',
      value: '2026-03-31',
      booksStart: '2026-04-01',
      firstPeriodStart: '2026-01-01',
      openingDate: '2026-04-01',
    });
    expect(err.message).toContain('opening balances');
    expect(await footprint(u)).toEqual(before);
    const insurance = await createRecurringTemplate(
      u.db,
      company,
      actor,
      template('Insurance', { startDate: '2026-04-01' }),
    );
    expect(of(await run('2026-05-31'), insurance.id)).toEqual({
      made: ['2026-04-30', '2026-05-31'],
      refused: [],
    });
  });

  it('voided: the books start on 1 January again, and the dates between are due as any other', async () => {
    await voidOpeningBalances(await u.books(), importId, reason);
    expect(of(await run('2026-09-30'), rent)).toEqual({ made: ['2026-02-28', '2026-03-28'], refused: [] });
    expect(await refusedEvents(u, rent)).toBe(2);
  });
});
