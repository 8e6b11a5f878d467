import { postDueReversals } from '@cifra/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvePeriodClose,
  approveYearEndClose,
  prepareYearEndClose,
  startPeriodClose,
  submitPeriodClose,
} from '../src/services/index.ts';
import { actorFor, type Books, openBooks, ownerQuery, periodId, post, YEARS_ENDED } from './support.ts';

/**
 * Issue 18 §7 against the year-end close: an accrual reversed in its next month by the scheduled
 * reversal is not reversed again on 1 January, and one the year-end close reversed is not reversed
 * again by the scheduled run. `reverses_entry_id` is unique: whoever reverses first is the only one.
 */

let books: Books;
const junior = actorFor('Junior', 'junior@test.firm');
const senior = actorFor('Senior', 'senior@test.firm');
const worker = { userId: null, email: null, reason: 'scheduled reversals' };
let march: string;
let december: string;
let midJanuary: string;

async function reversalsOf(entryId: string) {
  return ownerQuery<{ posting_date: string; memo: string }>(
    books,
    `SELECT posting_date::text AS posting_date, memo FROM journal_entries WHERE reverses_entry_id = $1`,
    [entryId],
  );
}

beforeAll(async () => {
  books = await openBooks([2026]);
  march = (
    await post(
      books,
      '2026-03-31',
      [
        ['6202', 30_000n],
        ['2401', -30_000n],
      ],
      { memo: 'March utilities accrual', autoReverse: true },
    )
  ).id;
  december = (
    await post(
      books,
      '2026-12-31',
      [
        ['6202', 45_000n],
        ['2401', -45_000n],
      ],
      { memo: 'December utilities accrual', autoReverse: true },
    )
  ).id;
  midJanuary = (
    await post(
      books,
      '2026-12-15',
      [
        ['6202', 12_000n],
        ['2401', -12_000n],
      ],
      { memo: 'Half-month services accrual', autoReverse: true, reverseOn: '2027-01-15' },
    )
  ).id;
});
afterAll(() => books.close());

describe('scheduled reversals and the year-end close', () => {
  it('reverses the 300.00 March accrual on 1 April, once however often it runs', async () => {
    const first = await postDueReversals(books.app, worker, '2026-04-30');
    expect(first.posted.map((e) => [e.postingDate, e.reversesEntryId])).toEqual([['2026-04-01', march]]);
    const again = await postDueReversals(books.app, worker, '2026-12-31');
    expect(again).toEqual({ posted: [], refused: [] });
    expect(await reversalsOf(march)).toHaveLength(1);
  });

  it('leaves the March accrual and the one chosen to reverse on 15 January out of the year-end close, which reverses only the 450.00 December one', async () => {
    for (let m = 1; m <= 12; m++) {
      const close = await startPeriodClose(books.app, junior, { periodId: await periodId(books, 2026, m) });
      await submitPeriodClose(books.app, junior, { closeId: close.id });
      await approvePeriodClose(books.app, senior, { now: YEARS_ENDED, closeId: close.id });
    }
    const draft = await prepareYearEndClose(books.app, junior, {
      now: YEARS_ENDED,
      fiscalYear: 2026,
      fxVarianceMode: 'SIMPLE',
    });
    const accruals = draft.lines.filter((l) => l.group === 'ACCRUAL_REVERSAL');
    expect(accruals.map((l) => [l.accountCode, l.amountMinor, l.postingDate, l.reversesEntryId])).toEqual([
      ['6202', -45_000n, '2027-01-01', december],
      ['2401', 45_000n, '2027-01-01', december],
    ]);
    await approveYearEndClose(books.app, senior, {
      now: YEARS_ENDED,
      draftId: draft.close.id,
      fxVarianceMode: 'SIMPLE',
    });
    expect(await reversalsOf(march)).toHaveLength(1);
    expect((await reversalsOf(december)).map((r) => r.posting_date)).toEqual(['2027-01-01']);
    expect(await reversalsOf(midJanuary)).toEqual([]);
  });

  it('finds only the 120.00 accrual due in January, reversed on its own 15 January: the year-end close already reversed December', async () => {
    const run = await postDueReversals(books.app, worker, '2027-01-31');
    expect(run.refused).toEqual([]);
    expect(run.posted.map((e) => [e.postingDate, e.reversesEntryId])).toEqual([['2027-01-15', midJanuary]]);
    expect(await reversalsOf(december)).toHaveLength(1);
    expect(await postDueReversals(books.app, worker, '2027-01-31')).toEqual({ posted: [], refused: [] });
  });
});
