import type { DomainError } from '@cifra/domain';
import { type Company, loadCompany } from '@cifra/engine';
import { booksYears } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RecurringRun, runRecurringEntries } from '../src/recurring/run.ts';
import { createRecurringTemplate } from '../src/recurring/templates.ts';
import { actor, openTestBooks, refusal, type TestBooks } from './test-books.ts';

// A recurring run goes no further than the books: `asOf` after both their last day and the
// client's today is refused, naming the last day it may be, and writes nothing — 9999-12-31 made
// the run record a refusal for every month up to 500 a run, recomputing every date to 9999 for each
// (docs/architecture/posting.md, "Recurring and reversing entries").

let t: TestBooks;
let company: Company;
let rent: string;
/** The test books' last year (2026 to today's year) and its last day. */
const lastYear = booksYears().at(-1) as number;
const booksLast = `${lastYear}-12-31`;

beforeAll(async () => {
  t = await openTestBooks();
  company = await loadCompany(t.db);
  rent = (
    await createRecurringTemplate(t.db, company, actor, {
      name: 'Rent',
      frequency: 'MONTHLY',
      dayOfMonth: 15,
      startDate: `${lastYear}-11-01`,
      endDate: null,
      lines: [
        { accountCode: '6201', debit: '10.00' },
        { accountCode: '2401', credit: '10.00' },
      ],
    })
  ).id;
});
afterAll(() => t.close());

const run = (asOf: string, now?: Date) =>
  runRecurringEntries(t.db, company, actor, { asOf, autoPost: false, now });
const footprint = async () => ({
  runs: await t.count('recurring_runs'),
  drafts: await t.count('journal_drafts'),
  events: await t.count('audit_events'),
});
const dates = (rows: RecurringRun['made']) =>
  rows.map((r) => [r.templateId, r.occurrenceDate, r.refusalCode]);

describe('a recurring run as of a day', () => {
  it('after the books’ last day and today is refused on asOf, naming the last day, nothing written', async () => {
    const before = await footprint();
    for (const asOf of [`${lastYear + 1}-01-01`, '9999-12-31']) {
      const err: DomainError = await refusal(run(asOf));
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.details).toMatchObject({
        field: 'asOf',
        value: asOf,
        lastDay: booksLast,
        booksLastDay: booksLast,
      });
    }
    expect(await footprint()).toEqual(before);
  });

  it('on the books’ last day makes every occurrence due by then', async () => {
    const made = await run(booksLast);
    expect(dates(made.made)).toEqual([
      [rent, `${lastYear}-11-15`, null],
      [rent, `${lastYear}-12-15`, null],
    ]);
    expect(made.refused).toEqual([]);
  });

  it('up to today, when today is past the books’ last day: the dates no period covers are refused and shown, as before', async () => {
    const today = `${lastYear + 1}-01-20`;
    const made = await run(today, new Date(`${today}T17:00:00Z`));
    expect(made.made).toEqual([]);
    expect(dates(made.refused)).toEqual([[rent, `${lastYear + 1}-01-15`, 'PERIOD_NOT_FOUND']]);
    const err: DomainError = await refusal(run(`${lastYear + 1}-01-21`, new Date(`${today}T17:00:00Z`)));
    expect(err.details).toMatchObject({ field: 'asOf', lastDay: today, today });
  });
});
