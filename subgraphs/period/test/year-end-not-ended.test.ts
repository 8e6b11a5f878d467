import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveYearEndClose, prepareYearEndClose } from '../src/services/index.ts';
import { actorFor, type Books, footprint, forceState, openBooks, post, refusal } from './support.ts';

// A year closes once it has ended on the client's own clock (America/Panama here, UTC−5): at 03:00
// UTC on 1 January it is still 31 December there, and a sale of that day can still be posted.

const junior = actorFor('Junior', 'junior@not-ended.test');
const senior = actorFor('Senior', 'senior@not-ended.test');
const SIMPLE = { fxVarianceMode: 'SIMPLE' as const };
const LAST_EVENING = new Date('2027-01-01T03:00:00Z');
const NEXT_MORNING = new Date('2027-01-01T05:00:00Z');
let books: Books;

beforeAll(async () => {
  books = await openBooks([2026]);
  await post(books, '2026-06-15', [
    ['1110', 500_00n],
    ['4101', -500_00n],
  ]);
  await forceState(books, {
    periods: Array.from({ length: 12 }, (_, i) => ({
      fiscalYear: 2026,
      month: i + 1,
      state: 'LOCKED' as const,
    })),
  });
});
afterAll(() => books.close());

describe('a year-end close before the year has ended', () => {
  it('is not prepared on its last day with every month LOCKED: YEAR_NOT_READY naming the day it can be, nothing written', async () => {
    const before = await footprint(books);
    const err = await refusal(
      prepareYearEndClose(books.app, junior, { fiscalYear: 2026, now: LAST_EVENING, ...SIMPLE }),
    );
    expect(err.code).toBe('YEAR_NOT_READY');
    expect(err.message).toBe(
      'Fiscal 2026 ends on 2026-12-31: its year-end close can be prepared and approved from 2027-01-01 (today is 2026-12-31 in America/Panama)',
    );
    expect(err.details).toEqual({
      fiscalYear: 2026,
      endDate: '2026-12-31',
      today: '2026-12-31',
      timezone: 'America/Panama',
    });
    expect(await footprint(books)).toEqual(before);
  });

  it('is prepared at the client’s midnight, and its approval is still refused on a clock before it', async () => {
    const draft = await prepareYearEndClose(books.app, junior, {
      fiscalYear: 2026,
      now: NEXT_MORNING,
      ...SIMPLE,
    });
    expect(draft.close.status).toBe('DRAFT');
    const before = await footprint(books);
    const err = await refusal(
      approveYearEndClose(books.app, senior, { draftId: draft.close.id, now: LAST_EVENING, ...SIMPLE }),
    );
    expect([err.code, err.details]).toEqual([
      'YEAR_NOT_READY',
      { fiscalYear: 2026, endDate: '2026-12-31', today: '2026-12-31', timezone: 'America/Panama' },
    ]);
    expect(await footprint(books)).toEqual(before);

    const approved = await approveYearEndClose(books.app, senior, {
      draftId: draft.close.id,
      now: NEXT_MORNING,
      ...SIMPLE,
    });
    expect(approved.close.status).toBe('APPROVED');
    expect((await footprint(books)).years).toBe('2026:CLOSED,2027:OPEN');
  });
});
